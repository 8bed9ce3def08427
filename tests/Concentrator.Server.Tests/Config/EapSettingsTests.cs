using Akka.Configuration;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Crypto.Tls;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Config;

/// <summary><c>remote.auth = eap-*</c>, <c>remote.eap-id</c>, <c>eap-secrets</c> and <c>concentrator.ike.eap-timeout</c>.</summary>
public sealed class EapSettingsTests
{
    private const string Valid = """
        windows {
          local { id = "gw.example.net", auth = psk }
          remote { id = "%any", auth = eap-mschapv2, eap-id = "%any" }
          pools = [ "10.99.0.0/24" ]
        }
        secrets { "%any" = "gateway-psk" }
        eap-secrets { "alice" = "alice-password", "bob" = "0x626f62", "carol" = "0sY2Fyb2w=" }
        """;

    private static ConnectionFileSettings Parse(string hocon) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString(hocon), "eap.conf");

    [Fact]
    public void From_EapConnection_ReadsAuthEapIdAndUsersInStrongSwanNotation()
    {
        var file = Parse(Valid);

        var c = Assert.Single(file.Connections);
        Assert.Equal(AuthClass.EapMsChapV2, c.Remote.Auth);
        Assert.Equal("%any", c.Remote.EapId);
        Assert.Equal("alice-password"u8.ToArray(), file.EapSecrets.Lookup("alice"));
        Assert.Equal("bob"u8.ToArray(), file.EapSecrets.Lookup("BOB"));
        Assert.Equal("carol"u8.ToArray(), file.EapSecrets.Lookup("carol"));
        // The PSK block is not the user list: "alice" there is the %any gateway key.
        Assert.Equal("gateway-psk"u8.ToArray(), file.Secrets.Lookup("alice"));
    }

    [Fact]
    public void From_EapMd5_Read() =>
        Assert.Equal(AuthClass.EapMd5, Assert.Single(Parse(Valid.Replace("eap-mschapv2", "eap-md5", StringComparison.Ordinal)).Connections).Remote.Auth);

    [Fact]
    public void From_EapIdLeftOut_EmptyMeansIdi() =>
        Assert.Equal("", Assert.Single(Parse(Valid.Replace(", eap-id = \"%any\"", "", StringComparison.Ordinal)).Connections).Remote.EapId);

    [Fact]
    public void From_EapOnlyLeftOut_DefaultsToNo() =>
        Assert.False(Assert.Single(Parse(Valid).Connections).Remote.EapOnly);

    [Fact]
    public void From_EapOnlyWithEapTls_ReadAndHandedToTheResponder()
    {
        var c = Assert.Single(Parse(Valid.Replace("auth = eap-mschapv2", "auth = eap-tls, eap-only = yes", StringComparison.Ordinal)).Connections);

        Assert.True(c.Remote.EapOnly);
        Assert.True(EapSettings.ServerConfig(c, Secrets.Empty).EapOnly);
    }

    [Theory]
    [InlineData("eap-mschapv2")]
    [InlineData("eap-radius")]
    public void From_EapOnlyWithoutAMutualMethod_RefusedNamingTheKey(string auth)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Valid.Replace("auth = eap-mschapv2", $"auth = {auth}, eap-only = yes", StringComparison.Ordinal)));

        Assert.Contains("windows.remote.eap-only", e.Message, StringComparison.Ordinal);
        Assert.Contains("eap-tls", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EapOnlyNotYesOrNo_Refused() =>
        Assert.Contains("expected yes or no", Assert.Throws<ConfigException>(() =>
            Parse(Valid.Replace("auth = eap-mschapv2", "auth = eap-tls, eap-only = maybe", StringComparison.Ordinal))).Message, StringComparison.Ordinal);

    [Fact]
    public void From_KeyIdRemoteId_Read() =>
        Assert.Equal("@#0123abcd", Assert.Single(Parse(Valid.Replace("id = \"%any\", auth", "id = \"@#0123abcd\", auth", StringComparison.Ordinal)).Connections).Remote.Id);

    [Fact]
    public void From_KeyIdWithBadHex_RefusedNamingTheKey()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Valid.Replace("id = \"%any\", auth", "id = \"@#12z\", auth", StringComparison.Ordinal)));

        Assert.Contains("windows.remote.id", e.Message, StringComparison.Ordinal);
        Assert.Contains("hex", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EapSecretForAny_RefusedWithFileAndKey()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Valid.Replace("\"bob\" = \"0x626f62\"", "\"%any\" = \"x\"", StringComparison.Ordinal)));

        Assert.Contains("eap.conf", e.Message, StringComparison.Ordinal);
        Assert.Contains("eap-secrets.\"%any\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EapSecretBadHex_RefusedWithKey()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Valid.Replace("0x626f62", "0xzz", StringComparison.Ordinal)));

        Assert.Contains("eap-secrets.\"bob\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("hex", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAll_EapConnectionWithoutUsers_RefusedNamingFileAndKey()
    {
        var file = Parse(Valid[..Valid.IndexOf("eap-secrets", StringComparison.Ordinal)]);

        var e = Assert.Throws<ConfigException>(() => EapSettings.CheckAll([file]));

        Assert.Contains("eap.conf", e.Message, StringComparison.Ordinal);
        Assert.Contains("windows.remote.auth", e.Message, StringComparison.Ordinal);
        Assert.Contains("eap-secrets", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAll_UsersInAnotherFile_Accepted()
    {
        var connections = Parse(Valid[..Valid.IndexOf("eap-secrets", StringComparison.Ordinal)]);
        var users = ConnectionFileSettings.From(ConfigurationFactory.ParseString("eap-secrets { \"alice\" = \"pw\" }"), "users.conf");

        Assert.Equal("pw"u8.ToArray(), EapSettings.CheckAll([connections, users]).Lookup("alice"));
    }

    [Fact]
    public void ResponderConfig_EapConnection_OffersEapOnlyWithTheEapIdRule()
    {
        var file = Parse(Valid);
        var server = ServerSettings.From(ConfigurationFactory.Empty, "HOCON.conf");

        var config = ResponderConfig.For(file.Connections[0], file.Secrets, server, file.EapSecrets);

        Assert.Empty(config.RemoteAuthenticators);
        Assert.NotNull(config.RemoteEap);
        Assert.True(config.RemoteEap.EapIdentity!.IsAny);
        Assert.IsType<EapMsChapV2Server>(config.RemoteEap.CreateServer());
    }

    [Fact]
    public void ResponderConfig_LocalAuthEap_RefusedNamingLocalAuth()
    {
        var file = Parse(Valid.Replace("auth = psk }", "auth = eap-mschapv2 }", StringComparison.Ordinal));
        var server = ServerSettings.From(ConfigurationFactory.Empty, "HOCON.conf");

        var e = Assert.Throws<ConfigException>(() => ResponderConfig.For(file.Connections[0], file.Secrets, server, file.EapSecrets));

        Assert.Contains("windows.local.auth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EapTls_DefaultsPinned()
    {
        EapTlsServerSettings tls = ServerSettings.From(ConfigurationFactory.Empty, "HOCON.conf").EapTls;

        Assert.Equal(new EapTlsServerSettings(1024, 65536, TlsVersion.Tls12, TlsVersion.Tls13), tls);
        Assert.Equal(EapTlsServerSettings.Default, tls);
    }

    [Fact]
    public void EapTls_Overrides_Read()
    {
        EapTlsServerSettings tls = ServerSettings.From(ConfigurationFactory.ParseString(
            "concentrator.ike.eap-tls { fragment-size = 400, max-message-size = 8192, version-min = \"1.3\" }"), "HOCON.conf").EapTls;

        Assert.Equal(new EapTlsServerSettings(400, 8192, TlsVersion.Tls13, TlsVersion.Tls13), tls);
    }

    [Theory]
    [InlineData("fragment-size = 10", "concentrator.ike.eap-tls.fragment-size")]
    [InlineData("version-max = \"1.1\"", "concentrator.ike.eap-tls.version-max")]
    [InlineData("version-min = \"1.3\", version-max = \"1.2\"", "concentrator.ike.eap-tls.version-max")]
    public void EapTls_BadValue_RefusedNamingTheKey(string keys, string key)
    {
        var e = Assert.Throws<ConfigException>(() =>
            ServerSettings.From(ConfigurationFactory.ParseString($"concentrator.ike.eap-tls {{ {keys} }}"), "HOCON.conf"));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EapTls_Read() =>
        Assert.Equal(AuthClass.EapTls, Parse(Valid.Replace("eap-mschapv2", "eap-tls", StringComparison.Ordinal)).Connections[0].Remote.Auth);

    [Fact]
    public void EapMsChapV2MaxRetries_DefaultNoneOverrideReadOutOfRangeRefused()
    {
        Assert.Equal(0, ServerSettings.From(ConfigurationFactory.Empty, "HOCON.conf").EapMsChapV2MaxRetries);
        Assert.Equal(2, ServerSettings.From(ConfigurationFactory.ParseString("concentrator.ike.eap-mschapv2.max-retries = 2"), "HOCON.conf").EapMsChapV2MaxRetries);
        var e = Assert.Throws<ConfigException>(() => ServerSettings.From(ConfigurationFactory.ParseString("concentrator.ike.eap-mschapv2.max-retries = 11"), "HOCON.conf"));
        Assert.Contains("concentrator.ike.eap-mschapv2.max-retries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EapTimeout_DefaultAndOverride()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), ServerSettings.From(ConfigurationFactory.Empty, "HOCON.conf").EapTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), ServerSettings.From(ConfigurationFactory.ParseString("concentrator.ike.eap-timeout = 20s"), "HOCON.conf").EapTimeout);
        Assert.Throws<ConfigException>(() => ServerSettings.From(ConfigurationFactory.ParseString("concentrator.ike.eap-timeout = 0s"), "HOCON.conf"));
    }
}
