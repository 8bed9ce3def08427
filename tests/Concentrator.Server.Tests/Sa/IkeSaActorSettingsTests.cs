using Akka.Configuration;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class IkeSaActorSettingsTests
{
    [Fact]
    public void For_Connection_TakesRetransmitDpdLifetimeAndIfId()
    {
        var server = ServerSettings.From(ConfigurationFactory.ParseString("concentrator.ike.retransmit { timeout = 2s, tries = 3, base = 1.5 }\nconcentrator.kernel.install-timeout = 33s"), "HOCON.conf");
        var file = ConnectionFileSettings.From(ConfigurationFactory.ParseString("""
            rw {
              pools = [ "10.99.0.0/24" ]
              ipsec-interface = 5
              dpd { delay = 12s, timeout = 40s }
              lifetimes { child = 30m }
            }
            secrets { "%any" = "secret" }
            """), "rw.conf");

        var settings = IkeSaActorSettings.For(server, Assert.Single(file.Connections));

        Assert.Equal(TimeSpan.FromSeconds(2), settings.Retransmit.Delay(0));
        Assert.Equal(TimeSpan.FromSeconds(4.5), settings.Retransmit.Delay(2));
        Assert.Equal(3, settings.Retransmit.Tries);
        Assert.Equal(TimeSpan.FromSeconds(12), settings.DpdDelay);
        Assert.Equal(TimeSpan.FromSeconds(40), settings.DpdTimeout);
        Assert.Equal(TimeSpan.FromMinutes(30), settings.ChildRekeyAfter);
        Assert.Equal((1800UL, 1980UL), (settings.ChildLifetime!.Value.SoftAddSeconds, settings.ChildLifetime.Value.HardAddSeconds));
        Assert.Equal(TimeSpan.FromSeconds(33), settings.KernelTimeout);
        Assert.Equal(5u, settings.IfId);
    }

    [Fact]
    public void Default_MatchesStrongSwanRetransmission()
    {
        var d = IkeSaActorSettings.Default;

        // strongSwan's charon.retransmit_*: 4 s × 1.8^n, 5 tries, so the peer is dead after ~165 s.
        var total = Enumerable.Range(0, d.Retransmit.Tries + 1).Sum(n => d.Retransmit.Delay(n).TotalSeconds);
        Assert.InRange(total, 165, 166);
        Assert.Equal(TimeSpan.FromSeconds(30), d.HalfOpenTimeout);
        Assert.Equal(0u, d.IfId);
    }

    [Fact]
    public void ReqidAllocator_Default_DrawsDistinctOwnedReqids()
    {
        var a = IkeSaActorSettings.Default.ReqidAllocator();
        var b = IkeSaActorSettings.Default.ReqidAllocator();

        Assert.NotEqual(a, b);
        Assert.True(KernelOwnership.Default().OwnsReqid(a));
        Assert.True(KernelOwnership.Default().OwnsReqid(b));
    }
}
