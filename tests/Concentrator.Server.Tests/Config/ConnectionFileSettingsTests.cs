using System.Net;
using System.Text;
using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

public sealed class ConnectionFileSettingsTests
{
    private const string Valid = """
        road-warrior {
          local { id = "gw.example.net", auth = psk }
          remote { id = "%any", auth = psk }
          pools = [ "10.99.0.0/24" ]
          ipsec-interface = 1
        }
        secrets { "%any" = "secret" }
        """;

    private static ConnectionFileSettings Parse(string hocon) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString(hocon), "road-warrior.conf");

    private static ConfigException Fails(string hocon) => Assert.Throws<ConfigException>(() => Parse(hocon));

    [Fact]
    public void From_ShippedRoadWarriorExample_ReadsEveryKey()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "road-warrior.conf");
        var pools = ConnectionFileSettings.From(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(RepositoryRoot(), "config", "pools.conf"))), "pools.conf");
        var file = PoolCatalog.Resolve([ConnectionFileSettings.From(ConfigurationFactory.ParseString(File.ReadAllText(path)), "road-warrior.conf"), pools])[0];

        var c = Assert.Single(file.Connections);
        Assert.Equal("road-warrior", c.Name);
        Assert.Equal(new EndpointSettings("gw.example.net", AuthClass.Psk), c.Local);
        Assert.Equal(new EndpointSettings("%any", AuthClass.Psk), c.Remote);
        Assert.Equal(["aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256"], c.IkeProposals);
        Assert.Equal(["aes256gcm16", "aes256-sha256"], c.EspProposals);
        Assert.Equal([IPNetwork.Parse("198.51.100.0/24")], c.LocalTs);
        Assert.Equal([IPNetwork.Parse("0.0.0.0/0")], c.RemoteTs);
        Assert.Equal("road-warriors", Assert.Single(c.AddressPools).Name);
        Assert.Equal([IPNetwork.Parse("10.99.0.0/24")], c.Pools);
        Assert.Equal([IPAddress.Parse("198.51.100.53")], c.Dns);
        Assert.Equal(1u, c.IpsecInterface.IfId);
        Assert.Equal(new DpdSettings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(150)), c.Dpd);
        Assert.Equal(new LifetimeSettings(TimeSpan.FromHours(4), TimeSpan.FromHours(1)), c.Lifetimes);
        Assert.Equal("change-me-to-a-long-random-secret"u8.ToArray(), file.Secrets.Lookup("anyone@example.org"));
    }

    [Fact]
    public void From_PoolPrefixTooLong_NamesFileKeyAndExpectation()
    {
        var e = Fails(Valid.Replace("10.99.0.0/24", "10.99.0.0/33", StringComparison.Ordinal));

        Assert.Equal("road-warrior.conf: key 'road-warrior.pools[0]': expected an IPv4 or IPv6 prefix like 10.99.0.0/24 or the name of a pool of a pools { … } block, got '10.99.0.0/33'", e.Message);
    }

    [Theory]
    [InlineData("pools = [ \"10.99.0.1/24\" ]", "road-warrior.pools[0]", "got '10.99.0.1/24'")]
    [InlineData("pools = [ \"10.99.0.0/24\", \"10.99.0.128/25\" ]", "road-warrior.pools[1]", "do not overlap")]
    [InlineData("pools = [ \"10.99.0.0/31\" ]", "road-warrior.pools[0]", "room for clients")]
    [InlineData("pool = [ \"10.99.0.0/24\" ]", "road-warrior.pool", "unknown key; expected one of")]
    [InlineData("dpd { delay = 30s, timout = 5s }", "road-warrior.dpd.timout", "unknown key")]
    [InlineData("dpd = 30s", "road-warrior.dpd", "expected an object")]
    [InlineData("dpd.delay = 30", "road-warrior.dpd.delay", "expected a duration like 30s")]
    [InlineData("dpd.delay = soon", "road-warrior.dpd.delay", "got 'soon'")]
    [InlineData("lifetimes.child = 0s", "road-warrior.lifetimes.child", "greater than zero")]
    [InlineData("ipsec-interface = maybe", "road-warrior.ipsec-interface", "expected no, yes or a number 0..4294967295")]
    [InlineData("dns = [ \"dns.example\" ]", "road-warrior.dns[0]", "expected an IPv4 or IPv6 address")]
    [InlineData("local-ts = []", "road-warrior.local-ts", "at least one prefix")]
    [InlineData("remote-ts = []", "road-warrior.remote-ts", "at least one prefix of the peer's side")]
    [InlineData("remote-ts = [ \"192.0.2.1/24\" ]", "road-warrior.remote-ts[0]", "got '192.0.2.1/24'")]
    [InlineData("local.auth = eap", "road-warrior.local.auth", "expected psk, pubkey, eap-mschapv2, eap-md5, eap-tls or eap-radius, got 'eap'")]
    [InlineData("local.id = \"%any\"", "road-warrior.local.id", "our own identity")]
    [InlineData("ike-proposals = [ \"aes256-sha256-nosuchgroup\" ]", "road-warrior.ike-proposals[0]", "got 'aes256-sha256-nosuchgroup'")]
    [InlineData("esp-proposals = []", "road-warrior.esp-proposals", "at least one proposal")]
    [InlineData("esp-proposals = \"aes256gcm16\"", "road-warrior.esp-proposals", "expected a list")]
    public void From_WrongKey_NamesFileKeyAndExpectation(string line, string key, string expected)
    {
        var e = Fails(Valid.Replace("ipsec-interface = 1", "ipsec-interface = 1\n  " + line, StringComparison.Ordinal));

        Assert.Equal("road-warrior.conf", e.File);
        Assert.Equal(key, e.Key);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_RemoteTs_ReadInOrderAndNarrowsTheResponderConfig()
    {
        var file = Parse(Valid.Replace("ipsec-interface = 1", "ipsec-interface = 1\n  remote-ts = [ \"192.0.2.0/24\", \"2001:db8::/64\" ]", StringComparison.Ordinal));
        var c = Assert.Single(file.Connections);

        var config = Concentrator.Server.Runtime.ResponderConfig.For(c, file.Secrets, ServerSettings.From(ConfigurationFactory.Empty, "HOCON.conf"));

        Assert.Equal([IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8::/64")], c.RemoteTs);
        Assert.Equal(["192.0.2.0-192.0.2.255", "2001:db8::-2001:db8::ffff:ffff:ffff:ffff"],
            config.RemoteTrafficSelectors.Select(t => $"{t.GetStartAddress()}-{t.GetEndAddress()}"));
    }

    [Fact]
    public void CheckAll_PskWithoutSecretAnywhere_AsksForOne()
    {
        var file = Parse(Valid.Replace("secrets { \"%any\" = \"secret\" }", "", StringComparison.Ordinal));

        var e = Assert.Throws<ConfigException>(() => ConnectionFileSettings.CheckAll([file]));

        Assert.Equal("road-warrior.remote.id", e.Key);
        Assert.Contains("pre-shared keys for the identities '%any' stands for", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAll_AnyIdentityWithSecretsOfSomeIdentities_AcceptedAndEachFindsItsOwn()
    {
        var file = Parse(Valid.Replace("secrets { \"%any\" = \"secret\" }", "secrets { \"west\" = \"w\" }", StringComparison.Ordinal));

        var merged = ConnectionFileSettings.CheckAll([file]);

        Assert.Equal("w"u8.ToArray(), merged.Lookup("west"));
        Assert.Null(merged.Lookup("north"));
    }

    [Fact]
    public void CheckAll_SingleIdentityWithOnlyAnothersSecret_AsksForItsOwn()
    {
        var file = Parse(Valid.Replace("id = \"%any\", auth = psk", "id = \"road\", auth = psk", StringComparison.Ordinal)
            .Replace("secrets { \"%any\" = \"secret\" }", "secrets { \"west\" = \"w\" }", StringComparison.Ordinal));

        var e = Assert.Throws<ConfigException>(() => ConnectionFileSettings.CheckAll([file]));

        Assert.Contains("pre-shared key for 'road' (or \"%any\")", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAll_SecretsInFileOfTheirOwn_Merged()
    {
        var connections = Parse(Valid.Replace("secrets { \"%any\" = \"secret\" }", "", StringComparison.Ordinal));
        var secrets = ConnectionFileSettings.From(ConfigurationFactory.ParseString("secrets { \"%any\" = \"s3cret\" }"), "secrets.conf");

        var merged = ConnectionFileSettings.CheckAll([connections, secrets]);

        Assert.Equal("s3cret"u8.ToArray(), merged.Lookup("someone"));
    }

    [Fact]
    public void CheckAll_SameIdentityTwoSecrets_Refused()
    {
        var a = Parse(Valid);
        var b = ConnectionFileSettings.From(ConfigurationFactory.ParseString("secrets { \"%any\" = \"other\" }"), "b.conf");

        var e = Assert.Throws<ConfigException>(() => ConnectionFileSettings.CheckAll([a, b]));

        Assert.Equal("b.conf", e.File);
        Assert.Contains("road-warrior.conf has a different one", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ConnectionNotAnObject_Refused()
    {
        var e = Fails("road-warrior = 1");

        Assert.Equal("road-warrior", e.Key);
    }

    [Fact]
    public void Secrets_PerIdentityHexAndBase64_LookedUpWithAnyAsFallback()
    {
        var file = Parse(Valid.Replace("secrets { \"%any\" = \"secret\" }",
            "secrets { \"%any\" = \"fallback\", \"alice@example.org\" = \"0x0102ff\", \"bob.example.org\" = \"0sAQI=\" }", StringComparison.Ordinal));

        Assert.Equal(new byte[] { 1, 2, 0xff }, file.Secrets.Lookup("alice@example.org"));
        Assert.Equal(new byte[] { 1, 2 }, file.Secrets.Lookup("bob.example.org"));
        Assert.Equal(Encoding.UTF8.GetBytes("fallback"), file.Secrets.Lookup("carol@example.org"));
    }

    [Fact]
    public void Secrets_BadHex_NamesTheIdentity()
    {
        var e = Fails(Valid.Replace("\"secret\"", "\"0xZZ\"", StringComparison.Ordinal));

        Assert.Equal("secrets.\"%any\"", e.Key);
        Assert.Contains("hex", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_SeveralConnections_InTheOrderWrittenNotSorted()
    {
        var file = Parse("""
            zulu { local { id = "gw.example.net", auth = psk }
              remote { id = "*@z.test", auth = psk }
              pools = [ "10.1.0.0/24" ] }
            alpha { local { id = "gw.example.net", auth = psk }
              remote { id = "*@a.test", auth = psk }
              pools = [ "10.2.0.0/24" ] }
            mike { local { id = "gw.example.net", auth = psk }
              remote { id = "%any", auth = psk }
              pools = [ "10.3.0.0/24" ] }
            secrets { "%any" = "secret" }
            """);

        Assert.Equal(["zulu", "alpha", "mike"], file.Connections.Select(c => c.Name));
    }

    [Fact]
    public void CheckTogether_SameNameInTwoFiles_Refused()
    {
        var a = Parse(Valid).Connections[0];
        var b = a with { File = "other.conf", Pools = [IPNetwork.Parse("10.98.0.0/24")] };

        var e = Assert.Throws<ConfigException>(() => ConnectionSettings.CheckTogether([a, b]));

        Assert.Contains("used once", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckTogether_Ipsec0AndIpsec16384_Refused()
    {
        var a = Parse(Valid.Replace("ipsec-interface = 1", "ipsec-interface = 0", StringComparison.Ordinal)).Connections[0];
        var b = a with { Name = "other", Pools = [], IpsecInterface = Concentrator.Kernel.IpsecInterfaceSetting.ForNumber(16384) };

        var e = Assert.Throws<ConfigException>(() => ConnectionSettings.CheckTogether([a, b]));

        Assert.Contains("both use if_id 16384", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_OperatorDefaults_OverrideReference()
    {
        var server = ConfigurationFactory.ParseString("concentrator.connection-defaults.dpd.delay = 10s");
        var file = ConnectionFileSettings.From(ConfigurationFactory.ParseString(Valid), "road-warrior.conf", server);

        Assert.Equal(TimeSpan.FromSeconds(10), file.Connections[0].Dpd.Delay);
        Assert.Equal(TimeSpan.FromSeconds(150), file.Connections[0].Dpd.Timeout);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Concentrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Concentrator.sln not found above " + AppContext.BaseDirectory);
    }
}
