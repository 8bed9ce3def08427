using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario39_OnlineRevocation;

/// <summary>
/// The lab of scenario 39: a pki-made ECDSA root whose client certificates name a CRL distribution point and an OCSP
/// responder (authority information access) on the LAN host behind the gateway, where a real HTTP server
/// (python3 -m http.server) serves the root's CRL and a real OCSP responder (openssl ocsp, signing with the root's
/// key) answers from an OpenSSL index; the gateway serves two certificate connections, one with
/// <c>revocation = strict</c> (ids *.strict.h1o.test) and one with the default relaxed (ids *.relaxed.h1o.test), and
/// an EAP-TLS connection with <c>revocation = strict</c> (ids *.eaptls.h1o.test).
/// </summary>
public sealed class OnlineRevocationLab : IDisposable
{
    public const int CrlPort = 8080;
    public const int OcspPort = 8081;

    /// <summary>Nothing listens here: an OCSP responder that is down.</summary>
    public const int DeadPort = 8089;

    private const string Lan = "198.51.100.10";
    private const string Org = "C=CH, O=Concentrator Test";

    private readonly TempDir _www = new();
    private readonly List<Process> _servers = [];

    public OnlineRevocationLab()
    {
        Good = Client("good.strict.h1o.test", ocsp: OcspPort, crl: true);
        UnreachableStrict = Client("dead.strict.h1o.test", ocsp: DeadPort, crl: false);
        UnreachableRelaxed = Client("dead.relaxed.h1o.test", ocsp: DeadPort, crl: false);
        OcspRevoked = Client("ocsp.relaxed.h1o.test", ocsp: OcspPort, crl: false);
        CrlRevoked = Client("crl.relaxed.h1o.test", ocsp: null, crl: true);
        EapTlsGood = Client("good.eaptls.h1o.test", ocsp: OcspPort, crl: false);
        EapTlsRevoked = Client("revoked.eaptls.h1o.test", ocsp: OcspPort, crl: false);

        // The root's CRL lists the CRL-revoked client; the OCSP index knows the good one (V) and the revoked one (R).
        File.Copy(Pki.Pki.Crl("root", Pki.Root, Pki.RootKey, CrlRevoked.CertFile), Path.Combine(_www.Path, "root.crl"));
        File.WriteAllText(Path.Combine(Pki.Pki.Path, "index.txt"), IndexLine('V', Good.CertFile) + IndexLine('R', OcspRevoked.CertFile)
            + IndexLine('V', EapTlsGood.CertFile) + IndexLine('R', EapTlsRevoked.CertFile));

        Lab = new RoadWarriorLab(overrides: Overrides(), namespacePrefix: "h1o");
        Lab.StartCharon();
        CrlLog = Path.Combine(Pki.Pki.Path, "http.log");
        OcspLog = Path.Combine(Pki.Pki.Path, "ocsp.log");
        Serve($"cd {_www.Path} && exec /usr/bin/python3 -u -m http.server {CrlPort} --bind {Lan} > {CrlLog} 2>&1");
        Serve($"cd {Pki.Pki.Path} && exec openssl ocsp -index index.txt -port {OcspPort} -rsigner {Pki.Root} -rkey {Pki.RootKey} -CA {Pki.Root} -nmin 60 -ignore_err > {OcspLog} 2>&1");
        WaitFor(CrlLog, "Serving HTTP");
        WaitFor(OcspLog, "waiting for OCSP client connections");
    }

    internal CertificateGateway Pki { get; } = new();

    internal RoadWarriorLab Lab { get; }

    internal (string CertPem, string KeyPem, string CertFile, string Id) Good { get; }

    internal (string CertPem, string KeyPem, string CertFile, string Id) UnreachableStrict { get; }

    internal (string CertPem, string KeyPem, string CertFile, string Id) UnreachableRelaxed { get; }

    internal (string CertPem, string KeyPem, string CertFile, string Id) OcspRevoked { get; }

    internal (string CertPem, string KeyPem, string CertFile, string Id) CrlRevoked { get; }

    /// <summary>An EAP-TLS client whose certificate the OCSP responder says is good.</summary>
    internal (string CertPem, string KeyPem, string CertFile, string Id) EapTlsGood { get; }

    /// <summary>An EAP-TLS client whose certificate the OCSP responder says is revoked.</summary>
    internal (string CertPem, string KeyPem, string CertFile, string Id) EapTlsRevoked { get; }

    /// <summary>The HTTP server's log: one line per request ("GET /root.crl").</summary>
    internal string CrlLog { get; }

    /// <summary>The OCSP responder's log: one "Received request" line per request.</summary>
    internal string OcspLog { get; }

    internal int OcspRequests => Regex.Count(File.ReadAllText(OcspLog), "Received request");

    /// <summary>Whether the responder's log reaches <paramref name="count"/> requests within 10 s (openssl writes its
    /// "Received request" line after the answer may already be in).</summary>
    internal bool WaitForOcspRequests(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (OcspRequests < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }

    internal int CrlRequests => Regex.Count(File.ReadAllText(CrlLog), "GET /root.crl");

    public void Dispose()
    {
        foreach (Process server in _servers)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(TimeSpan.FromSeconds(5));
            }

            server.Dispose();
        }

        Lab.Dispose();
        Pki.Dispose();
        _www.Dispose();
    }

    private (string CertPem, string KeyPem, string CertFile, string Id) Client(string id, int? ocsp, bool crl)
    {
        string name = id.Split('.')[0] + "-" + id.Split('.')[1];
        string key = Pki.Pki.Key(name, "ecdsa", 256);
        string uris = (ocsp is { } port ? $" --ocsp http://{Lan}:{port}" : "") + (crl ? $" --crl http://{Lan}:{CrlPort}/root.crl" : "");
        string cert = Pki.Pki.Issue(name, key, Pki.Root, Pki.RootKey, $"{Org}, CN={id}", [id], flags: "--flag clientAuth" + uris);
        return (Pki.Pki.Read(cert), Pki.Pki.Read(key), cert, id);
    }

    /// <summary>An OpenSSL CA database line (status, expiry, revocation time, serial, file, subject) for openssl ocsp.</summary>
    private static string IndexLine(char status, string certFile)
    {
        var (code, output) = Shell.Run("openssl", "x509", "-in", certFile, "-noout", "-serial", "-subject", "-nameopt", "compat");
        Assert.True(code == 0, output);
        string serial = Regex.Match(output, "serial=([0-9A-F]+)").Groups[1].Value;
        string subject = Regex.Match(output, "subject=(.+)").Groups[1].Value.Trim();
        string revoked = status == 'R' ? DateTime.UtcNow.AddDays(-1).ToString("yyMMddHHmmss", CultureInfo.InvariantCulture) + "Z" : "";
        return $"{status}\t{DateTime.UtcNow.AddYears(3).ToString("yyMMddHHmmss", CultureInfo.InvariantCulture)}Z\t{revoked}\t{serial}\tunknown\t{subject}\n";
    }

    private GatewayOverrides Overrides()
    {
        var files = new Dictionary<string, string>
        {
            ["crt-gw.pem"] = Pki.Pki.Read(Pki.GatewayCert),
            ["crt-gw.key"] = Pki.Pki.Read(Pki.GatewayKey),
            ["crt-root.pem"] = Pki.Pki.Read(Pki.Root),
            ["revocation.conf"] = $$"""
                online-strict {
                  local { id = "{{CertificateGateway.GatewayId}}", auth = pubkey, certs = [ "crt-gw.pem" ], key = "crt-gw.key" }
                  remote { id = "*.strict.h1o.test", auth = pubkey, cacerts = [ "crt-root.pem" ], revocation = strict }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "10.97.0.0/24" ]
                  ipsec-interface = 3
                }
                online-relaxed {
                  local { id = "{{CertificateGateway.GatewayId}}", auth = pubkey, certs = [ "crt-gw.pem" ], key = "crt-gw.key" }
                  remote { id = "*.relaxed.h1o.test", auth = pubkey, cacerts = [ "crt-root.pem" ] }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "10.95.0.0/24" ]
                  ipsec-interface = 3
                }
                online-eaptls {
                  local { id = "{{CertificateGateway.GatewayId}}", auth = pubkey, certs = [ "crt-gw.pem" ], key = "crt-gw.key" }
                  remote { id = "*.eaptls.h1o.test", auth = eap-tls, cacerts = [ "crt-root.pem" ], revocation = strict }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "10.96.0.0/24" ]
                  ipsec-interface = 3
                }
                """,
        };
        return new GatewayOverrides(Server: "concentrator.certificates.revocation.fetch-timeout = 5s") { ExtraFiles = files };
    }

    private void Serve(string command)
    {
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (string a in new[] { "netns", "exec", Lab.LanNamespace, "sh", "-c", command })
        {
            info.ArgumentList.Add(a);
        }

        Process p = Process.Start(info)!;
        p.StandardInput.Close();
        _servers.Add(p);
    }

    private static void WaitFor(string log, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(log) && File.ReadAllText(log).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            Thread.Sleep(100);
        }

        Assert.Fail($"no '{text}' in {log}: {(File.Exists(log) ? File.ReadAllText(log) : "(none)")}");
    }
}

/// <summary>
/// Issue 12, online revocation (strongSwan's revocation plugin, as an operator of it expects): the gateway asks the
/// OCSP responder a real strongSwan client's certificate names, else fetches its CRL distribution point, holding
/// IKE_AUTH meanwhile; a revoked certificate is refused with AUTHENTICATION_FAILED, nothing installed and no lease;
/// an unreachable responder refuses under <c>revocation = strict</c> and not under relaxed; a second setup of the same
/// client is judged from the cache (the responder is not asked again). The same holds inside EAP-TLS (RFC 5216): a real
/// strongSwan eap-tls client's certificate, checked by OCSP while the EAP round is held, is refused with
/// EAP-Failure when revoked (nothing installed, no lease) and gets its virtual IP and pings when good.
/// Needs root, strongSwan and openssl (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class OnlineRevocationTests : IClassFixture<OnlineRevocationLab>
{
    private readonly OnlineRevocationLab _fixture;

    public OnlineRevocationTests(OnlineRevocationLab fixture) => _fixture = fixture;

    private RoadWarriorLab Lab => _fixture.Lab;

    private string Ca => _fixture.Pki.Pki.Read(_fixture.Pki.Root);

    private void Load((string CertPem, string KeyPem, string CertFile, string Id) client) =>
        Lab.LoadCertificate(client.Id.Split('.')[0], client.CertPem, client.KeyPem, Ca, CertificateGateway.GatewayId, client.Id);

    [Fact]
    public void StrongSwanClient_OcspGood_EstablishedAndSecondSetupFromCache()
    {
        Load(_fixture.Good);
        int before = _fixture.OcspRequests;
        int crlBefore = _fixture.CrlRequests;

        Lab.MustEstablish();
        int afterFirst = _fixture.OcspRequests;
        Assert.True(afterFirst == before + 1, $"OCSP requests {before} → {afterFirst}, expected one more:\n{Lab.HostLog}");
        Assert.Equal(0, Lab.Ping(count: 1).Code);
        Lab.Terminate();

        Lab.MustEstablish();
        Lab.Terminate();

        // The answer is cached until its nextUpdate (an hour): the responder is not asked again, nor the CRL fetched.
        Assert.Equal(afterFirst, _fixture.OcspRequests);
        Assert.Equal(crlBefore, _fixture.CrlRequests);
    }

    [Fact]
    public void StrongSwanClient_RevokedByOcsp_AuthenticationFailedNoLease()
    {
        Load(_fixture.OcspRevoked);

        AssertRefused(_fixture.OcspRevoked.Id, "revoked according to the OCSP responder http://198.51.100.10:8081/");
    }

    [Fact]
    public void StrongSwanClient_RevokedByCrlUri_AuthenticationFailedNoLease()
    {
        Load(_fixture.CrlRevoked);

        AssertRefused(_fixture.CrlRevoked.Id, "revoked by the CRL at http://198.51.100.10:8080/root.crl");
        Assert.True(_fixture.CrlRequests >= 1, File.ReadAllText(_fixture.CrlLog));
    }

    [Fact]
    public void StrongSwanClient_ResponderUnreachableStrict_AuthenticationFailedNoLease()
    {
        Load(_fixture.UnreachableStrict);

        AssertRefused(_fixture.UnreachableStrict.Id, "is unknown and revocation = strict");
    }

    [Fact]
    public void StrongSwanClient_ResponderUnreachableRelaxed_Established()
    {
        Load(_fixture.UnreachableRelaxed);

        Lab.MustInitiate();
        string sas = Lab.ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.True(System.Net.IPNetwork.Parse("10.95.0.0/24").Contains(RoadWarriorLab.VirtualIp(sas)), sas);
        Assert.True(Lab.WaitForHostLog($"http://198.51.100.10:{OnlineRevocationLab.DeadPort}/ failed", TimeSpan.FromSeconds(5)), Lab.HostLog);
        Lab.Terminate();
    }

    [Fact]
    public void StrongSwanEapTlsClient_OcspGood_EstablishedAndPings()
    {
        LoadEapTls(_fixture.EapTlsGood);
        int before = _fixture.OcspRequests;

        Lab.MustInitiate();

        string sas = Lab.ListSas();
        var vip = RoadWarriorLab.VirtualIp(sas);
        Assert.True(System.Net.IPNetwork.Parse("10.96.0.0/24").Contains(vip), sas);
        Assert.Contains("EAP method EAP_TLS succeeded, MSK established", Lab.CharonLog, StringComparison.Ordinal);
        Assert.True(_fixture.WaitForOcspRequests(before + 1), $"OCSP requests {before} → {_fixture.OcspRequests}, expected one more:\n{Lab.HostLog}");
        var (ping, output) = Lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);
        Lab.Terminate();
    }

    [Fact]
    public void StrongSwanEapTlsClient_RevokedByOcsp_EapFailureNoLease()
    {
        LoadEapTls(_fixture.EapTlsRevoked);
        string id = _fixture.EapTlsRevoked.Id;
        int before = _fixture.OcspRequests;

        var (code, output) = Lab.Initiate();

        Assert.True(code != 0, "initiate with a revoked EAP-TLS certificate succeeded:\n" + output);
        Assert.True(_fixture.WaitForOcspRequests(before + 1), $"the OCSP responder was not asked:\n{Lab.HostLog}");
        // The client sent its certificate inside EAP-TLS; the round was held for the OCSP answer, then IKE_AUTH ended
        // with EAP-Failure (RFC 3748 §4.2) in place of the next EAP request.
        Assert.Contains($"sending TLS client certificate 'C=CH, O=Concentrator Test, CN={id}'", Lab.CharonLog, StringComparison.Ordinal);
        CharonEapFailure.AssertSeen(Lab.CharonLog);
        Assert.DoesNotContain("ESTABLISHED", Lab.ListSas(), StringComparison.Ordinal);
        const string reason = "revoked according to the OCSP responder http://198.51.100.10:8081/";
        Assert.True(Lab.WaitForHostLog($"EAP for '{id}' failed", TimeSpan.FromSeconds(5)), Lab.HostLog);
        // The IKE SA ended unestablished, for the OCSP verdict on the certificate sent inside TLS.
        Assert.Matches(new Regex($"ended \\(AuthenticationFailed: EAP for '{Regex.Escape(id)}' failed: TLS: [^\\n]*{Regex.Escape(reason)}"), Lab.HostLog);
        Assert.DoesNotContain($" to {id}", Lab.HostLog, StringComparison.Ordinal);
        Assert.NotEqual(0, Lab.Ping(count: 1).Code);
    }

    private void LoadEapTls((string CertPem, string KeyPem, string CertFile, string Id) client) =>
        Lab.LoadEapTls(client.Id.Split('.')[0] + "-eaptls", client.CertPem, client.KeyPem, Ca, client.Id, CertificateGateway.GatewayId);

    private void AssertRefused(string id, string reason)
    {
        var (code, output) = Lab.Initiate();

        Assert.True(code != 0, "initiate with a refused certificate succeeded:\n" + output);
        Assert.Contains("received AUTHENTICATION_FAILED notify error", Lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTABLISHED", Lab.ListSas(), StringComparison.Ordinal);
        Assert.True(Lab.WaitForHostLog(reason, TimeSpan.FromSeconds(5)), $"no '{reason}' in the log:\n{Lab.HostLog}");
        Assert.Matches(new Regex($"ended \\(AuthenticationFailed: [^\\n]*{Regex.Escape(id)}[^\\n]*{Regex.Escape(reason)}", RegexOptions.IgnoreCase), Lab.HostLog);
        // No lease: the gateway's log names no address given to the identity.
        Assert.DoesNotContain($" to {id}", Lab.HostLog, StringComparison.Ordinal);
        Assert.NotEqual(0, Lab.Ping(count: 1).Code);
    }
}
