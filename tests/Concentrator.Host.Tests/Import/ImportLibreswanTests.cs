using System.Net;
using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Tests.Import;

/// <summary>
/// <c>concentrator import-libreswan</c> on configurations from libreswan's own test suite (TestData/libreswan), run
/// through the CLI as an operator would, from the responder's end (east: 192.1.2.23, 2001:db8:1:2::23). What it
/// writes is read back by the connection-file loader, and where nothing outside the file is needed (PSK), by
/// <c>check-config</c> on a config folder holding it.
/// </summary>
public sealed class ImportLibreswanTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "libreswan");

    /// <summary>Test folder → the conns imported (in order, as written), and for each refused conn the key (or
    /// message part) that refused it.</summary>
    public static TheoryData<string, string[], string[]> Cases => new()
    {
        { "addresspool-4in4-ikev2", ["west", "east"], ["rw: incomplete"] },
        { "addresspool-46in4-ikev2", ["west", "east"], ["rw: incomplete"] },
        { "addresspool-4in4-exhausted-ikev2-ikev1", ["north-any-east", "north-east"], ["any: incomplete", "east: incomplete", "road: incomplete", "north: incomplete", "road-any-east: keyexchange", "road-east: keyexchange"] },
        { "addresspool-6in6-defaultroute-dual-dns-ikev2", ["east"], [] },
        { "ikev2-xfrmi-02-responder", ["road-east", "east", "road"], [] },
        { "ikev2-xfrmi-05-remote-access-client", ["eastnet-any"], [] },
        { "ikev2-xfrmi-18-responder-iface-check", ["east"], [] },
        { "crossing-streams-22-ikev2-ipsec-interface", ["static"], [] },
        { "ikev2-48-nat-cp", ["roadnet-eastnet-ipv4-psk-ikev2"], [] },
        { "interop-ikev2-eaptls-strongswan-client", ["rw-eap"], [] },
        { "ikev2-algo-04-aes-gcm256", ["westnet-eastnet-ipv4-psk-ikev2-gcm-c"], [] },
        { "ikev2-algo-10-aes-gcm128", ["westnet-eastnet-ipv4-psk-ikev2-gcm-c"], [] },
        { "ikev2-algo-02-modp2048-responder", ["westnet-eastnet-ikev2"], ["westnet-eastnet-ipv4: rightrsasigkey"] },
        { "ikev2-algo-sha2-08-truncbug", ["westnet-eastnet-ipv4-psk-ikev2"], [] },
        { "algo-ike-aes128-sha2-ecp", ["east", "east-ikev2"], ["east-ikev1: keyexchange"] },
        { "fips-11-ikev2-esp-dh", ["ikev2-base", "ikev2-esp_aes-sha1-modp4096"], [] },
        { "fips-09-ikev2-gcm", [], ["westnet-eastnet-ikev2: rightrsasigkey"] },
        { "ipv6-6in4-02-ikev2-ipsec-device", [], ["westnet-eastnet-6in4: rightrsasigkey"] },
        { "host-to-host-transport-freebsd", [], ["west-east: type: transport mode"] },
        { "basic-pluto-12", [], ["westnet-eastnet-7: keyexchange", "westnet-eastnet-base: keyexchange", "westnet-eastnet: keyexchange"] },
        { "ah-pluto-01", [], ["westnet-eastnet-ah: keyexchange"] },
        { "ikev1-rw-multiple-subnets", [], ["east: keyexchange"] },
        { "ikev2-asymmetric-16-auth-mismatch", [], ["westnet-eastnet-ikev2: authby: 'null'"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_LibreswanTestSuiteConfig_ImportsServableConnsRefusesTheRestAndTheFileLoads(string test, string[] imported, string[] refused)
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "conns", "imported.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var (code, _, error) = Import(test, "-o", output);

        var refusals = error.Split('\n').Where(l => l.StartsWith("refused: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(refused.Length, refusals.Count);
        foreach (var (reason, line) in refused.Zip(refusals))
        {
            var conn = reason[..reason.IndexOf(':', StringComparison.Ordinal)];
            Assert.Contains($" conn {conn}: {reason[(conn.Length + 2)..]}", line, StringComparison.Ordinal);
        }

        if (imported.Length == 0)
        {
            Assert.True(code == 65, error);
            Assert.False(File.Exists(output));
            return;
        }

        Assert.True(code == 0, error);
        var file = ConnectionFileSettings.From(ConfigurationFactory.ParseString(File.ReadAllText(output)), output);
        Assert.Equal(imported, file.Connections.Select(c => c.Name));
        if (file.Connections.All(c => c.Remote.Auth == AuthClass.Psk && c.Local.Auth == AuthClass.Psk) && file.Secrets.Identities.Count > 0)
        {
            var main = dir.Write("main.conf", "concentrator.config-dir = conns");
            using var checkOut = new StringWriter();
            using var checkErr = new StringWriter();
            Assert.True(Program.Run(["check-config", "--config", main], checkOut, checkErr) == 0, checkErr.ToString());
            Assert.Contains($"configuration is valid ({imported.Length} connection(s)", checkOut.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Import_RemoteAccessWithRangePoolAndXfrmi_PoolCoversTheRangeDnsInterfaceAndIdentities()
    {
        var c = ImportOne("ikev2-xfrmi-05-remote-access-client", out var file, out var error);

        Assert.Equal(new EndpointSettings("east", AuthClass.Psk), c.Local);
        Assert.Equal(new EndpointSettings("GroupID", AuthClass.Psk), c.Remote);
        Assert.Equal([IPNetwork.Parse("192.0.2.0/24")], c.LocalTs);
        Assert.Equal(1u, c.IpsecInterface.IfId);
        var pool = Assert.Single(file.Pools);
        Assert.Equal(253, pool.Addresses.Sum(p => p.PrefixLength == 32 ? 1 : 1 << (32 - p.PrefixLength)));
        Assert.Contains(IPNetwork.Parse("100.64.13.2/32"), pool.Addresses);
        Assert.Contains(IPNetwork.Parse("100.64.13.254/32"), pool.Addresses);
        Assert.Equal([IPAddress.Parse("1.2.3.4"), IPAddress.Parse("5.6.7.8")], pool.Dns);
        Assert.NotNull(file.Secrets.Lookup("GroupID"));
        // Keys without an equivalent are named, with their line, not dropped silently.
        Assert.Contains("conn eastnet-any: modecfgdomains: not supported by Concentrator, ignored", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_SiteToSiteWithEspDh_SubnetsBecomeTsAndProposalsTranslate()
    {
        var c = ImportOne("fips-11-ikev2-esp-dh", out _, out var error, conn: "ikev2-esp=aes-sha1-modp4096");

        Assert.Equal("ikev2-esp_aes-sha1-modp4096", c.Name);
        Assert.Equal(["aes256-aes128-sha512-modp4096"], c.EspProposals);
        Assert.Equal([IPNetwork.Parse("192.0.200.0/24")], c.LocalTs);
        Assert.Equal([IPNetwork.Parse("192.0.100.0/24")], c.RemoteTs);
        Assert.Contains("written as 'ikev2-esp_aes-sha1-modp4096'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_CertificateRoadWarrior_PubkeyWithExportedFilesNamedAndV6Pool()
    {
        var c = ImportOne("addresspool-6in6-defaultroute-dual-dns-ikev2", out var file, out var error);

        Assert.Equal(AuthClass.Pubkey, c.Local.Auth);
        Assert.Equal(AuthClass.Pubkey, c.Remote.Auth);
        Assert.Equal("%any", c.Remote.Id);
        Assert.Equal([IPNetwork.Parse("::/0")], c.LocalTs);
        Assert.Equal([IPNetwork.Parse("2001:db8:0:3:1::/97")], Assert.Single(file.Pools).Addresses);
        Assert.Contains("export the certificate chain to east.pem and its key to east.key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_EapOnlyTls_GatewayCertificateAndEapTlsClients()
    {
        var c = ImportOne("interop-ikev2-eaptls-strongswan-client", out _, out _);

        Assert.Equal(new EndpointSettings("east.testing.libreswan.org", AuthClass.Pubkey), c.Local);
        Assert.Equal(AuthClass.EapTls, c.Remote.Auth);
        Assert.Equal(["ca.pem"], c.Certificates.RemoteCaCerts.Select(Path.GetFileName));
    }

    [Fact]
    public void Import_NoSideDecidable_RefusedAskingForLocal()
    {
        using var dir = new TempDir();
        var conf = dir.Write("ipsec.conf", "conn peers\n\tleft=198.51.100.1\n\tright=198.51.100.2\n\tauthby=secret\n");

        var (code, _, error) = Run("import-libreswan", conf, "--local-address", "203.0.113.9");
        var (forced, output, _) = Run("import-libreswan", conf, "--local", "left");

        Assert.Equal(65, code);
        Assert.Contains("conn peers: cannot tell which end is this gateway: pass --local left|right or --local-address", error, StringComparison.Ordinal);
        Assert.Equal(0, forced);
        Assert.Contains("local-ts = [ \"198.51.100.1/32\" ]", output, StringComparison.Ordinal);
        Assert.Contains("remote-ts = [ \"198.51.100.2/32\" ]", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "aes256gcm16-x25519")]
    [InlineData("\tpfs=yes\n", "aes256gcm16-x25519")]
    [InlineData("\tpfs=no\n", "aes256gcm16")]
    public void Import_EspWithoutGroup_GetsTheIkeGroupsForPfsRekeysUnlessPfsNo(string pfs, string expected)
    {
        // libreswan's pfs=yes (the default) rekeys CHILD SAs with a KE of the IKE SA's group when esp= names none.
        using var dir = new TempDir();
        var conf = dir.Write("ipsec.conf", "conn site\n\tleft=192.0.3.2\n\tright=192.0.3.1\n\tauthby=secret\n" +
            "\tike=aes_gcm256-sha2_256;dh31\n\tesp=aes_gcm256\n" + pfs);

        var (code, output, error) = Run("import-libreswan", conf, "--local", "right");

        Assert.True(code == 0, error);
        Assert.Contains($"esp-proposals = [ \"{expected}\" ]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MissingFile_ExitsNoInputNamingIt()
    {
        var (code, _, error) = Run("import-libreswan", "/nonexistent/ipsec.conf");

        Assert.Equal(66, code);
        Assert.Contains("/nonexistent/ipsec.conf: cannot be read", error, StringComparison.Ordinal);
    }

    private static ConnectionSettings ImportOne(string test, out ConnectionFileSettings file, out string error, string? conn = null)
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "imported.conf");
        string[] extra = conn is null ? ["-o", output] : ["-o", output, "--conn", conn];
        (var code, _, error) = Import(test, extra);
        Assert.True(code == 0, error);
        file = PoolCatalog.Resolve([ConnectionFileSettings.From(ConfigurationFactory.ParseString(File.ReadAllText(output)), output)])[0];
        return file.Connections.Count == 1 ? file.Connections[0] : file.Connections.Single(c => c.Name == conn?.Replace('=', '_'));
    }

    private static (int Code, string Out, string Err) Import(string test, params string[] extra)
    {
        var folder = Path.Combine(Data, test);
        var conf = File.Exists(Path.Combine(folder, "east.conf")) ? Path.Combine(folder, "east.conf") : Path.Combine(folder, "ipsec.conf");
        var secrets = Path.Combine(folder, "east.secrets");
        string[] args = ["import-libreswan", conf, .. File.Exists(secrets) ? [secrets] : Array.Empty<string>(),
            "--local-address", "192.1.2.23", "--local-address", "2001:db8:1:2::23", .. extra];
        return Run(args);
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
