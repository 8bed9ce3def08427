using System.Net;

namespace Concentrator.Interop.Tests.Scenario23_EapMd5;

/// <summary>
/// Interop scenario 23: EAP-MD5 (tests only: no MSK, so both AUTH payloads use SK_pi/SK_pr, RFC 7296 §2.16) with a
/// real strongSwan client: the right secret gets a virtual IP and pings, a wrong one is refused with EAP-Failure with
/// nothing installed. Needs root and strongSwan with eap-md5; fails, never skips, without them.
/// </summary>
public sealed class EapMd5Tests
{
    [Fact]
    public void StrongSwanClient_EapMd5_EstablishedThenWrongSecretRefused()
    {
        using var lab = new RoadWarriorLab(overrides: RoadWarriorLab.EapGateway("eap-md5", "\"carol\" = \"carol-secret\""), namespacePrefix: "eap");
        lab.StartCharon();
        lab.LoadEap("carol", "carol", "carol-secret", "eap-md5");

        lab.MustInitiate();

        Assert.True(IPNetwork.Parse("10.98.0.0/24").Contains(RoadWarriorLab.VirtualIp(lab.ListSas())));
        Assert.Equal(0, lab.Ping().Code);
        Assert.Equal(0, lab.Terminate().Code);

        lab.LoadEap("carol", "carol", "wrong-secret", "eap-md5");
        var (code, output) = lab.Initiate();
        Assert.True(code != 0, "initiate with a wrong EAP-MD5 secret succeeded:\n" + output);
        CharonEapFailure.AssertSeen(lab.CharonLog);
        Assert.True(lab.WaitForHostLog("answered the MD5 challenge with another secret", TimeSpan.FromSeconds(5)), lab.HostLog);
    }
}
