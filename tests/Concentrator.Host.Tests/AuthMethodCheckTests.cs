namespace Concentrator.Host.Tests;

/// <summary>A connection whose auth method this build cannot serve is refused by check-config exactly as by run
/// (one validation path), and the error names the key at fault.</summary>
public sealed class AuthMethodCheckTests
{
    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthPubkey_RefusedNamingRemoteAuth(string verb)
    {
        var (code, error, conn) = RunWith(verb, "rw { remote.auth = pubkey, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.auth': expected auth = psk, eap-mschapv2, eap-md5 or eap-radius, got pubkey", error, StringComparison.Ordinal);
        Assert.DoesNotContain("local.auth", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthEapWithoutEapSecrets_RefusedNamingFileAndRemoteAuth(string verb)
    {
        var (code, error, conn) = RunWith(verb, "rw { remote.auth = eap-mschapv2, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.auth': expected EAP users in an eap-secrets", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthEapRadiusWithoutRadiusServers_RefusedNamingFileAndRemoteAuth(string verb)
    {
        var (code, error, conn) = RunWith(verb, "rw { remote.auth = eap-radius, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.auth': expected RADIUS servers in concentrator.radius.servers", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_RemoteAuthEapRadiusWithRadiusServers_Accepted()
    {
        var (code, error, _) = RunWith("check-config", "rw { remote.auth = eap-radius, remote.eap-id = \"%any\", pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }",
            "\nconcentrator.radius.servers = [ { address = \"192.0.2.10\", secret = \"s\" } ]");

        Assert.True(code == 0, error);
    }

    [Fact]
    public void CheckConfig_RemoteAuthEapWithEapSecrets_Accepted()
    {
        var (code, error, _) = RunWith("check-config",
            "rw { remote.auth = eap-mschapv2, remote.eap-id = \"%any\", pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }\neap-secrets { \"alice\" = \"pw\" }");

        Assert.True(code == 0, error);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_LocalAuthPubkey_RefusedNamingLocalAuth(string verb)
    {
        var (code, error, conn) = RunWith(verb, "rw { local.auth = pubkey, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.local.auth': expected auth = psk, got pubkey", error, StringComparison.Ordinal);
    }

    private static (int Code, string Error, string ConnectionFile) RunWith(string verb, string connection, string mainMore = "")
    {
        using var dir = new TempDir();
        var (port, natT) = TestPorts.FreePair();
        var conn = dir.Write("conns/rw.conf", connection + "\nsecrets { \"%any\" = \"x\" }");
        var main = dir.Write("main.conf", "concentrator { config-dir = conns, dataplane = userspace, ike { listen = [ \"127.0.0.1\" ], port = "
            + port + ", nat-t-port = " + natT + " } }\nakka.loglevel = WARNING" + mainMore);
        using var output = new StringWriter();
        using var error = new StringWriter();
        // Bounded: a run that wrongly started would otherwise serve forever.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var code = Program.Run([verb, "--config", main], output, error, stop.Token);

        return (code, error.ToString(), conn);
    }
}
