using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Sa;
using Concentrator.Server.Tests.Network;

namespace Concentrator.Server.Tests.Sa;

public sealed class HalfOpenAdmissionTests
{
    private static readonly IPAddress Nat = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Other = IPAddress.Parse("203.0.113.8");
    private readonly ManualClock _time = new();

    private HalfOpenAdmission Admission(int threshold = 100, int perSource = 5, int limit = 1000) =>
        new(new HalfOpenSettings(threshold, perSource, limit, TimeSpan.FromMinutes(1)),
            new CookieGenerator(_time, SystemRandomSource.Instance, TimeSpan.FromMinutes(1)));

    private static AdmissionVerdict Decide(HalfOpenAdmission a, ulong spi, IPAddress source, byte[]? cookie = null) =>
        a.Decide(InitRequests.Parsed(spi, cookie), source);

    [Fact]
    public void Decide_BelowThresholds_Admits()
    {
        var a = Admission();

        Assert.Equal(AdmissionKind.Admit, Decide(a, 1, Nat).Kind);
    }

    [Fact]
    public void Decide_AtGlobalThresholdWithoutCookie_DemandsCookieFromEveryone()
    {
        var a = Admission(threshold: 2);
        a.Opened(Nat);
        a.Opened(Other);

        var verdict = Decide(a, 1, IPAddress.Parse("192.0.2.1"));

        Assert.Equal(AdmissionKind.DemandCookie, verdict.Kind);
        Assert.Equal(36, verdict.Cookie!.Length);
    }

    [Fact]
    public void Decide_ReturnedCookie_Admits()
    {
        var a = Admission(threshold: 0);
        var cookie = Decide(a, 42, Nat).Cookie!;

        Assert.Equal(AdmissionKind.Admit, Decide(a, 42, Nat, cookie).Kind);
    }

    [Fact]
    public void Decide_CookieOfAnotherSpiOrAddress_DemandsAgain()
    {
        var a = Admission(threshold: 0);
        var cookie = Decide(a, 42, Nat).Cookie!;

        Assert.Equal(AdmissionKind.DemandCookie, Decide(a, 43, Nat, cookie).Kind);
        Assert.Equal(AdmissionKind.DemandCookie, Decide(a, 42, Other, cookie).Kind);
    }

    [Fact]
    public void Decide_CookieAfterOneSecretChange_StillAdmitsAfterTwoDemandsAgain()
    {
        var a = Admission(threshold: 0);
        var cookie = Decide(a, 42, Nat).Cookie!;

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(AdmissionKind.Admit, Decide(a, 42, Nat, cookie).Kind);
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(AdmissionKind.DemandCookie, Decide(a, 42, Nat, cookie).Kind);
    }

    [Fact]
    public void Decide_ManyHalfOpenBehindOneNatAddress_ThatSourceReturnsCookiesAndGetsIn()
    {
        var a = Admission(threshold: 1000, perSource: 5);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(AdmissionKind.Admit, Decide(a, (ulong)i + 1, Nat).Kind);
            a.Opened(Nat);
        }

        // The sixth client behind the same address is asked for a cookie (not blocked, as strongSwan's
        // block_threshold would), returns it and gets in; another address is not affected.
        var verdict = Decide(a, 100, Nat);
        Assert.Equal(AdmissionKind.DemandCookie, verdict.Kind);
        Assert.Equal(AdmissionKind.Admit, Decide(a, 100, Nat, verdict.Cookie).Kind);
        Assert.Equal(AdmissionKind.Admit, Decide(a, 101, Other).Kind);
    }

    [Fact]
    public void Decide_AtLimit_DropsEvenWithValidCookie()
    {
        var a = Admission(threshold: 0, perSource: 0, limit: 2);
        var cookie = Decide(a, 42, Nat).Cookie!;
        a.Opened(Other);
        a.Opened(Other);

        Assert.Equal(AdmissionKind.OverLimit, Decide(a, 42, Nat, cookie).Kind);
    }

    [Fact]
    public void Closed_EverySaOfASource_ForgetsTheSource()
    {
        var a = Admission();
        a.Opened(Nat);
        a.Opened(Nat);
        a.Opened(Other);

        a.Closed(Nat);
        Assert.Equal((2, 1), (a.Count, a.CountOf(Nat)));
        a.Closed(Nat);
        a.Closed(Nat);

        Assert.Equal((1, 0, 1), (a.Count, a.CountOf(Nat), a.Sources));
    }
}
