using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Concentrator.Host;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

/// <summary>
/// The lab of scenario 36, inside the guest kernel: namespaces gw (192.0.2.1 towards the road warrior, 192.0.3.1
/// towards the site, 198.51.100.1 on its LAN), road (192.0.2.2), site (192.0.3.2, with 10.37.0.1 as the host of
/// its own network) and lan (198.51.100.10); a libreswan pluto in road and one in site; the real Host in gw on the
/// kernel dataplane, serving the connection file <c>concentrator import-libreswan</c> wrote from the very
/// ipsec.conf the two plutos read (conns <c>gateway</c> and <c>site</c>, this gateway being their right end).
/// </summary>
internal sealed partial class LibreswanLab : IDisposable
{
    public const string Gw = "gu36-gw";
    public const string Road = "gu36-road";
    public const string Site = "gu36-site";
    public const string Lan = "gu36-lan";
    public const string Uplink = "gu36-gw0";
    public const string LanHost = "198.51.100.10";
    public const string LanNet = "198.51.100.0/24";
    public const string Pool = "10.36.0.0/24";
    public const string SiteHost = "10.37.0.1";
    public const string SiteNet = "10.37.0.0/24";

    /// <summary>The site of the connection this gateway initiates (libreswan's conn <c>siteback</c>): its outer
    /// address (a second one on the gw-site link), a host of its network and that network.</summary>
    public const string BackPeer = "192.0.4.2";
    public const string BackHost = "10.38.0.1";
    public const string BackNet = "10.38.0.0/24";

    /// <summary>Set by <see cref="LibreswanRingTests"/>: where fetch-deb.sh unpacked the libreswan package on the host.</summary>
    public const string RootVariable = "CONCENTRATOR_LIBRESWAN_ROOT";

    public const string CertificatePool = "10.36.1.0/24";

    private static readonly Lazy<string> Installed = new(InstallIntoGuestRoot);

    private readonly TempDir _dir = new();
    private readonly StringBuilder _hostLog = new();
    private readonly Process _host;
    private readonly string _configDir;
    private readonly string _secretsPath;

    public LibreswanLab()
    {
        _ = Installed.Value;
        Cleanup();
        Tool.IpBatch(null,
            $"netns add {Gw}", $"netns add {Road}", $"netns add {Site}", $"netns add {Lan}",
            $"link add {Uplink} netns {Gw} type veth peer name gu36-road0 netns {Road}",
            $"link add gu36-gws netns {Gw} type veth peer name gu36-site0 netns {Site}",
            $"link add gu36-gwl netns {Gw} type veth peer name gu36-lan0 netns {Lan}");
        Tool.IpBatch(Gw, "link set lo up", $"addr add 192.0.2.1/24 dev {Uplink}", $"link set {Uplink} up",
            "addr add 192.0.3.1/24 dev gu36-gws", "addr add 192.0.4.1/24 dev gu36-gws", "link set gu36-gws up", "addr add 198.51.100.1/24 dev gu36-gwl", "link set gu36-gwl up");
        Tool.IpBatch(Road, "link set lo up", "addr add 192.0.2.2/24 dev gu36-road0", "link set gu36-road0 up");
        Tool.IpBatch(Site, "link set lo up", $"addr add {SiteHost}/32 dev lo", $"addr add {BackHost}/32 dev lo", "addr add 192.0.3.2/24 dev gu36-site0", $"addr add {BackPeer}/24 dev gu36-site0", "link set gu36-site0 up");
        Tool.IpBatch(Lan, "link set lo up", $"addr add {LanHost}/24 dev gu36-lan0", "link set gu36-lan0 up", "route add default via 198.51.100.1");
        var forwarding = Tool.Run("ip", "netns", "exec", Gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Assert.True(forwarding.ExitCode == 0, forwarding.ToString());
        SetUpPeer();
        SetUpTrapSite();
        SetUpTestSuite();

        var conf = _dir.Write("ipsec/ipsec.conf", IpsecConf);
        var secrets = _dir.Write("ipsec/ipsec.secrets", IpsecSecrets);
        _secretsPath = secrets;
        var configDir = Directory.CreateDirectory(Path.Combine(_dir.Path, "conn")).FullName;
        ImportOutput = Import(conf, secrets, configDir);
        var roadIdentity = Certificates(configDir);
        _configDir = configDir;
        File.WriteAllText(Path.Combine(configDir, "peertrap.conf"), PeerTrapConf);
        ManagementSocket = Path.Combine(_dir.Path, "management.sock");
        var main = _dir.Write("concentrator.conf", $$"""
            concentrator {
              config-dir = "conn"
              dataplane = kernel
              management.socket = "{{ManagementSocket}}"
              ike.listen = [ "192.0.2.1", "192.0.3.1", "192.0.4.1", "{{GwTowardsPeer}}", "{{GwTowardsTrapPeer}}", "{{GwTowardsSuite}}" ]
              interfaces.link = "{{Uplink}}"
            }
            """);

        var clock = Stopwatch.StartNew();
        _host = StartHost(Gw, main, Append);
        RoadPluto = new Pluto(Road, Path.Combine(_dir.Path, "road"), conf, secrets, roadIdentity);
        SitePluto = new Pluto(Site, Path.Combine(_dir.Path, "site"), conf, secrets);
        WaitForHostRunning();
        HostStartup = clock.Elapsed;
        // The second Host (~25 s of runtime, Akka and JIT under TCG, more on a busy host) starts now and is waited for
        // only where the test first needs it (WaitForPeerRunning): its start overlaps the road warriors' steps instead
        // of adding to the lab's. Not beside the gateway's own start: on the guest's two vCPUs (and a loaded host) that
        // start, five ipsecN devices, then ran past its budget.
        _peer = StartPeerHost();
        _peerRunning = HostOutput.Watch(_peer, AppendPeer);
        WaitFor(() => RoadPluto.IsReady && SitePluto.IsReady, TimeSpan.FromSeconds(60), "pluto did not open its control socket");
    }

    /// <summary>The libreswan side: two conns for the road warrior (<c>road</c> on the client, <c>gateway</c> for
    /// us, sharing <c>rw</c> by also=, as libreswan's own addresspool tests write them) and one route-based
    /// site-to-site conn with 0/0 on both sides, read by libreswan and by the importer alike.</summary>
    public const string IpsecConf = """
        config setup
        	logtime=no
        	uniqueids=yes

        # The road warrior: a mode-config client. Without leftsubnet=0.0.0.0/0 libreswan proposes its own outer
        # address as TSi, which a responder that hands out an address cannot narrow to it (libreswan's own tests
        # write the client this way).
        conn road
        	left=192.0.2.2
        	leftsubnet=0.0.0.0/0
        	also=rw

        conn gateway
        	left=%any
        	leftaddresspool=10.36.0.0/24
        	also=rw

        conn rw
        	leftid=@road.s36.test
        	leftmodecfgclient=yes
        	right=192.0.2.1
        	rightid=@gw.s36.test
        	rightsubnet=198.51.100.0/24
        	authby=secret
        	narrowing=yes
        	ike=aes_gcm256-sha2_256;dh31
        	esp=aes_gcm256
        	ipsec-interface=yes

        # The same road warrior with certificates (ECDSA P-256, RFC 7427 signatures): libreswan keeps them in NSS
        # (road's key and the CA on the client); the importer names the PEM files our side needs (gw.pem, gw.key,
        # ca.pem next to the connection file).
        conn roadcert
        	left=192.0.2.2
        	leftsubnet=0.0.0.0/0
        	leftcert=road
        	also=rwcert

        conn gatewaycert
        	left=%any
        	leftaddresspool=10.36.1.0/24
        	rightcert=gw
        	also=rwcert

        conn rwcert
        	leftid="CN=road.s36.test"
        	leftmodecfgclient=yes
        	right=192.0.2.1
        	rightid=@gw.s36.test
        	rightsubnet=198.51.100.0/24
        	authby=ecdsa
        	narrowing=yes
        	ike=aes_gcm256-sha2_256;dh31
        	esp=aes_gcm256
        	ipsec-interface=yes

        # Route-based site-to-site (the reference page's "routed-vpn"): 0/0 both ways, the routing tables steer
        # traffic into ipsec2 at each end. pfs=yes (the default): CHILD SA rekeys carry a KE of the IKE group, which
        # the importer adds to our ESP proposal.
        conn site
        	left=192.0.3.2
        	leftid=@site.s36.test
        	leftsubnet=0.0.0.0/0
        	right=192.0.3.1
        	rightid=@gw.s36.test
        	rightsubnet=0.0.0.0/0
        	authby=secret
        	ike=aes_gcm256-sha2_256;dh31
        	esp=aes_gcm256
        	ipsec-interface=2

        # The same kind of site, but this gateway initiates (our connection file says start-action = start; libreswan
        # only answers, auto=add) from a second address pair; written by hand on our side, not imported.
        conn siteback
        	left=192.0.4.2
        	leftid=@siteback.s36.test
        	leftsubnet=0.0.0.0/0
        	right=192.0.4.1
        	rightid=@gw.s36.test
        	rightsubnet=0.0.0.0/0
        	authby=secret
        	ike=aes_gcm256-sha2_256;dh31
        	esp=aes_gcm256
        	ipsec-interface=3
        	auto=add

        # libreswan answers the gateway's trap (our start-action = trap; auto=add here): subnet to subnet from a
        # third address pair, ipsec5 at both ends.
        conn sitetrap
        	left=192.0.5.2
        	leftid=@sitetrap.s36.test
        	leftsubnet=10.39.0.0/24
        	right=192.0.5.1
        	rightid=@gw.s36.test
        	rightsubnet=198.51.100.0/24
        	authby=secret
        	ike=aes_gcm256-sha2_256;dh31
        	esp=aes_gcm256
        	ipsec-interface=5
        	auto=add
        """;

    /// <summary>Our side of <c>siteback</c>: initiate at once (the reload that adds it), 0/0 both ways through ipsec3,
    /// the site's network routed into it by the connection's <c>routes</c>; PFS in CHILD SA rekeys (x25519, the group
    /// libreswan's pfs=yes expects); 10.255.36.1/30 on ipsec3 for OSPF (libreswan 4.10 has no interface-ip= yet, 5.x
    /// has: its end gets 10.255.36.2/30 by hand).</summary>
    public const string InitiatorConf = $$"""
        siteback {
          local { id = "gw.s36.test", auth = psk }
          remote { id = "siteback.s36.test", auth = psk, addrs = [ "{{BackPeer}}" ] }
          start-action = start
          retry { delay = 1s, max-delay = 4s }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16-x25519" ]
          local-ts = [ "0.0.0.0/0" ]
          remote-ts = [ "0.0.0.0/0" ]
          routes = [ "{{BackNet}}" ]
          ipsec-interface = 3
          interface-ip = "10.255.36.1/30"
        }
        secrets { "siteback.s36.test" = "libreswan-guest-scenario-36-siteback-psk" }
        """;

    public const string IpsecSecrets = """
        @road.s36.test @gw.s36.test : PSK "libreswan-guest-scenario-36-road-psk"
        @site.s36.test @gw.s36.test : PSK "libreswan-guest-scenario-36-site-psk"
        @siteback.s36.test @gw.s36.test : PSK "libreswan-guest-scenario-36-siteback-psk"
        @sitetrap.s36.test @gw.s36.test : PSK "libreswan-guest-scenario-36-sitetrap-psk"
        """;

    /// <summary>The Host's management API socket (its CLI verbs run in this process against it).</summary>
    public string ManagementSocket { get; }

    /// <summary>Writes <see cref="InitiatorConf"/> into the Host's connection folder and reloads it (SIGHUP), which
    /// adds the connection and so starts its initiation.</summary>
    public void AddInitiator()
    {
        File.WriteAllText(Path.Combine(_configDir, "siteback.conf"), InitiatorConf);
        var hup = Tool.Run("kill", "-HUP", _host.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(hup.ExitCode == 0, hup.ToString());
    }

    /// <summary>A CLI verb of the Host (<c>concentrator VERB ARGS --socket ...</c>), run in this process: its exit code
    /// and output.</summary>
    public (int Code, string Output) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Program.Run([.. args, "--socket", ManagementSocket], stdout, stderr);
        return (code, stdout.ToString() + stderr);
    }

    /// <summary>The lab's own directory (configuration, pluto's and FRR's directories).</summary>
    public string WorkDirectory => _dir.Path;

    public Pluto RoadPluto { get; }

    public Pluto SitePluto { get; }

    /// <summary>What import-libreswan printed (its summary and warnings) and the connection file it wrote.</summary>
    public (string Messages, string File) ImportOutput { get; }

    /// <summary>From exec to "running:" (dotnet start-up and JIT under TCG dominate).</summary>
    public TimeSpan HostStartup { get; }

    public string HostLog
    {
        get
        {
            lock (_hostLog)
            {
                return _hostLog.ToString();
            }
        }
    }

    public string Diagnostics() =>
        $"--- host log\n{HostLog}\n--- peer host log\n{PeerLog}\n{Tool.Describe(Peer)}\n--- road pluto (tail)\n{Tail(RoadPluto.Log)}\n--- site pluto (tail)\n{Tail(SitePluto.Log)}\n" +
        $"{Tool.Describe(Gw)}\n{Tool.Describe(Road)}\n{Tool.Describe(Site)}";

    /// <summary>Polls <paramref name="condition"/> every 250 ms; fails with <paramref name="what"/> and the diagnostics after <paramref name="timeout"/>.</summary>
    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} within {timeout.TotalSeconds} s\n{Diagnostics()}");
            Thread.Sleep(250);
        }
    }

    /// <summary>SIGTERM to the Host; its exit code, or null when it is still running after <paramref name="timeout"/>.</summary>
    public int? StopHost(TimeSpan timeout)
    {
        var kill = Tool.Run("kill", "-TERM", _host.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(kill.ExitCode == 0, kill.ToString());
        return _host.WaitForExit(timeout) ? _host.ExitCode : null;
    }

    public void Dispose()
    {
        RoadPluto.Dispose();
        SitePluto.Dispose();
        if (!_host.HasExited)
        {
            _host.Kill(entireProcessTree: true);
            _host.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _host.Dispose();
        DisposePeer();
        Cleanup();
        _dir.Dispose();
    }

    /// <summary>
    /// libreswan's files go where its binaries look for them (/usr/libexec/ipsec, /usr/sbin/ipsec: pluto runs the
    /// updown script through them), copied from the unpacked package into the guest's overlay root, which is
    /// thrown away with the guest; the host's own strongSwan files under the same names stay untouched.
    /// </summary>
    private static string InstallIntoGuestRoot()
    {
        GuestKernel.Require();
        WarmUpKernelCrypto();
        var root = Environment.GetEnvironmentVariable(RootVariable);
        Assert.True(root is not null && Directory.Exists(Path.Combine(root, "usr", "libexec", "ipsec")),
            $"{RootVariable} must name the unpacked libreswan package (scripts/guest-kernel/fetch-deb.sh libreswan), got '{root}'");
        foreach (var dir in new[] { "usr", "etc" })
        {
            var copy = Tool.Run("cp", "-a", Path.Combine(root, dir) + "/.", "/" + dir + "/");
            Assert.True(copy.ExitCode == 0, "copying libreswan into the guest's root failed: " + copy);
        }

        var version = Tool.Run(Path.Combine(Pluto.ExecDir, "pluto"), "--version");
        Assert.True(version.ExitCode == 0, "pluto --version failed (its libraries: scripts/install-test-deps.sh): " + version);
        return version.Output.Trim();
    }

    /// <summary>
    /// The guest loads kernel crypto on first use (rfc4106(gcm(aes)) and the DRBG seeding behind its IV generator,
    /// 4-9 s under TCG, scenario 9 measured), against the gateway's 10 s install timeout: paid once here, in a scratch
    /// namespace, before any peer installs an SA.
    /// </summary>
    private static void WarmUpKernelCrypto()
    {
        const string ns = "gu36-warm-up";
        Tool.Run("ip", "netns", "del", ns);
        Tool.IpBatch(null, $"netns add {ns}");
        try
        {
            Tool.IpBatch(ns, "xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 reqid 9 mode tunnel " +
                "aead rfc4106(gcm(aes)) 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324 128");
        }
        finally
        {
            Tool.Run("ip", "netns", "del", ns);
        }
    }

    /// <summary>Our side, written by the importer from the peer's own ipsec.conf (the CLI verb, run in this process:
    /// a second .NET process start costs ~15 s under TCG).</summary>
    private static (string Messages, string File) Import(string conf, string secrets, string configDir)
    {
        var output = Path.Combine(configDir, "imported.conf");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Program.Run(["import-libreswan", conf, secrets, "--conn", "gateway", "gatewaycert", "site", "--local", "right", "-o", output], stdout, stderr);
        Assert.True(code == 0, $"import-libreswan exited {code}:\n{stdout}{stderr}");
        return (stdout.ToString() + stderr, File.ReadAllText(output));
    }

    /// <summary>
    /// A CA, the gateway's certificate and the road warrior's (ECDSA P-256), made in this process (each pki exec costs
    /// seconds under TCG): the gateway's as the PEM files the imported connection names, next to it; the road
    /// warrior's as a PKCS#12 file for its NSS database (nickname "road", as its conn's leftcert; openssl writes the
    /// friendly name NSS takes the nickname from).
    /// </summary>
    private (string P12, string Password, string CaPem) Certificates(string configDir)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Scenario 36 CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        File.WriteAllText(Path.Combine(configDir, "ca.pem"), ca.ExportCertificatePem());
        var caCopy = _dir.Write("ca.pem", ca.ExportCertificatePem());

        (string Cert, string Key) Issue(string name)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            using var cert = request.Create(ca, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
            return (cert.ExportCertificatePem(), key.ExportECPrivateKeyPem());
        }

        var gw = Issue("gw.s36.test");
        File.WriteAllText(Path.Combine(configDir, "gw.pem"), gw.Cert);
        File.WriteAllText(Path.Combine(configDir, "gw.key"), gw.Key);
        var road = Issue("road.s36.test");
        string roadCert = _dir.Write("road.pem", road.Cert), roadKey = _dir.Write("road.key", road.Key);

        const string password = "scenario-36";
        var p12 = Path.Combine(_dir.Path, "road.p12");
        var export = Tool.Run("openssl", "pkcs12", "-export", "-in", roadCert, "-inkey", roadKey, "-name", "road", "-out", p12, "-passout", "pass:" + password);
        Assert.True(export.ExitCode == 0, "openssl pkcs12 -export failed: " + export);
        return (p12, password, caCopy);
    }

    private static Process StartHost(string ns, string main, Action<string?> append)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "concentrator.dll"), "run", "--config", main })
        {
            info.ArgumentList.Add(a);
        }

        // The guest runs this assembly with itself as startup hook; the Host must not inherit that.
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        info.Environment.Remove(GuestTestRunner.RunVariable);
        info.Environment.Remove(GuestTestRunner.BootVariable);
        var p = Process.Start(info)!;
        p.ErrorDataReceived += (_, e) => append(e.Data is null ? null : "stderr: " + e.Data);
        p.BeginErrorReadLine();
        return p;
    }

    private void WaitForHostRunning()
    {
        // Under TCG the Host needs ~25 s to start (runtime, Akka, JIT); the budget leaves room for a busy host (its
        // xfrm interfaces alone took 14 s each on a host at load 46).
        HostOutput.WaitForRunning(_host, Append, () => HostLog, TimeSpan.FromSeconds(180));
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_hostLog)
        {
            _hostLog.AppendLine(line);
        }
    }

    private static void Cleanup()
    {
        foreach (var ns in new[] { Gw, Road, Site, Lan, Peer })
        {
            Tool.Run("ip", "netns", "del", ns);
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(60));
}
