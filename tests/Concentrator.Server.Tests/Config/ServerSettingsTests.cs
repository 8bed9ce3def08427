using System.Net;
using Akka.Configuration;
using Concentrator.Kernel.Userspace;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

public sealed class ServerSettingsTests
{
    private static ServerSettings Parse(string hocon) => ServerSettings.From(ConfigurationFactory.ParseString(hocon), "HOCON.conf");

    [Fact]
    public void Reference_NoOverrides_PinsEveryDefault()
    {
        var s = Parse("");

        Assert.Equal(500, s.Port);
        Assert.Equal(4500, s.NatTPort);
        Assert.Equal([IPAddress.Any, IPAddress.IPv6Any], s.Listen);
        Assert.Equal(1000, s.HalfOpenCookieThreshold);
        Assert.Equal(new RetransmitSettings(TimeSpan.FromSeconds(4), 5, 1.8), s.Retransmit);
        Assert.Equal(DataplaneMode.Auto, s.Dataplane);
        Assert.Equal(new KernelSettings(64, 10000), s.Kernel);
        Assert.Equal(TimeSpan.FromSeconds(20), s.Kernel.InstallTimeout);
        Assert.Equal(128, s.UserspaceReplayWindow);
        Assert.Equal(new InterfaceSettings(1400, ""), s.Interfaces);
        Assert.False(s.AllowModp1024);
        Assert.Equal(7, s.MaxCertificateChainLength);
        Assert.Equal(10000, s.ChainCacheSize);
        Assert.Equal(new RevocationFetchSettings(TimeSpan.FromSeconds(10), 10000, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), 4194304), s.Revocation);
    }

    [Fact]
    public void Reference_ConnectionDefaults_PinsEveryDefault()
    {
        var file = ConnectionFileSettings.From(ConfigurationFactory.ParseString("c { }"), "c.conf");
        var c = Assert.Single(file.Connections);

        Assert.Equal(new EndpointSettings("", AuthClass.Psk), c.Local);
        Assert.Equal(new EndpointSettings("%any", AuthClass.Psk), c.Remote);
        Assert.Empty(c.Certificates.LocalCerts);
        Assert.Equal("", c.Certificates.LocalKey);
        Assert.Empty(c.Certificates.RemoteCaCerts);
        Assert.Empty(c.Certificates.RemoteCrls);
        Assert.Null(c.Certificates.RemoteEku);
        Assert.Equal(["aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256"], c.IkeProposals);
        Assert.Equal(["aes256gcm16", "aes256-sha256"], c.EspProposals);
        Assert.Equal([IPNetwork.Parse("0.0.0.0/0")], c.LocalTs);
        Assert.Empty(c.Pools);
        Assert.Empty(c.Dns);
        Assert.False(c.IpsecInterface.IsEnabled);
        Assert.Equal(new DpdSettings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(150)), c.Dpd);
        Assert.Equal(new LifetimeSettings(TimeSpan.FromHours(4), TimeSpan.FromHours(1)), c.Lifetimes);
    }

    [Fact]
    public void Reference_EveryKey_HasACommentAbove()
    {
        using var stream = typeof(ServerSettings).Assembly.GetManifestResourceStream(ServerSettings.ReferenceResource)!;
        var lines = new StreamReader(stream).ReadToEnd().Split('\n').Select(l => l.Trim()).ToArray();
        var uncommented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var isKey = lines[i].Contains('=', StringComparison.Ordinal) && !lines[i].StartsWith('#');
            if (isKey && !lines[i - 1].StartsWith('#'))
            {
                uncommented.Add(lines[i]);
            }
        }

        Assert.Empty(uncommented);
    }

    [Fact]
    public void From_Overrides_TakesThem()
    {
        var s = Parse("concentrator { ike { port = 1500, nat-t-port = 14500, listen = [\"127.0.0.1\"], retransmit.base = 1.0 }\n dataplane = userspace\n kernel.batch-size = 8\n kernel.install-timeout = 45s\n userspace.replay-window = 1024 }");

        Assert.Equal(1500, s.Port);
        Assert.Equal(14500, s.NatTPort);
        Assert.Equal([IPAddress.Loopback], s.Listen);
        Assert.Equal(1.0, s.Retransmit.Base);
        Assert.Equal(DataplaneMode.Userspace, s.Dataplane);
        Assert.Equal(8, s.Kernel.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(45), s.Kernel.InstallTimeout);
        Assert.Equal(1024, s.UserspaceReplayWindow);
    }

    [Theory]
    [InlineData("concentrator.ike.port = 70000", "concentrator.ike.port", "expected a whole number 1..65535, got '70000'")]
    [InlineData("concentrator.ike.nat-t-port = 500", "concentrator.ike.nat-t-port", "expected a port different")]
    [InlineData("concentrator.ike.listen = [\"10.1\"]", "concentrator.ike.listen[0]", "expected an IPv4 or IPv6 address like 0.0.0.0 or ::, got '10.1'")]
    [InlineData("concentrator.ike.listen = \"0.0.0.0\"", "concentrator.ike.listen", "expected a list")]
    [InlineData("concentrator.ike.listen = []", "concentrator.ike.listen", "at least one address")]
    [InlineData("concentrator.dataplane = xfrm", "concentrator.dataplane", "expected auto, kernel or userspace, got 'xfrm'")]
    [InlineData("concentrator.ike.retransmit.timeout = 4", "concentrator.ike.retransmit.timeout", "expected a duration like 30s")]
    [InlineData("concentrator.ike.retransmit.timeout = 0s", "concentrator.ike.retransmit.timeout", "greater than zero")]
    [InlineData("concentrator.ike.retransmit.base = 0.5", "concentrator.ike.retransmit.base", "expected a number 1..10, got '0.5'")]
    [InlineData("concentrator.kernel { queue-bound = { a = 1 } }", "concentrator.kernel.queue-bound", "expected a single value, got an object")]
    [InlineData("concentrator.kernel.install-timeout = 0s", "concentrator.kernel.install-timeout", "greater than zero")]
    [InlineData("concentrator.certificates.chain-cache-size = -1", "concentrator.certificates.chain-cache-size", "expected a whole number 0..1000000, got '-1'")]
    [InlineData("concentrator.userspace.replay-window = 4097", "concentrator.userspace.replay-window", "expected a whole number 1..4096, got '4097'")]
    public void From_WrongValue_NamesFileKeyAndExpectation(string hocon, string key, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(hocon));

        Assert.Equal("HOCON.conf", e.File);
        Assert.Equal(key, e.Key);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"HOCON.conf: key '{key}': ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RetransmitDelay_ThirdAttempt_GrowsByBase()
    {
        var r = new RetransmitSettings(TimeSpan.FromSeconds(4), 5, 1.8);

        Assert.Equal(TimeSpan.FromSeconds(4), r.Delay(0));
        Assert.Equal(4 * 1.8 * 1.8, r.Delay(2).TotalSeconds, 6);
    }
}
