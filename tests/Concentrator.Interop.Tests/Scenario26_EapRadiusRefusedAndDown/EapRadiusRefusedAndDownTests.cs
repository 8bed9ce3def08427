using System.Diagnostics;
using System.Net;
using Concentrator.Interop.Tests.Lab;
using Concentrator.Server.Tests.Radius;

namespace Concentrator.Interop.Tests.Scenario26_EapRadiusRefusedAndDown;

/// <summary>
/// Interop scenario 26 (issue 12, EAP-RADIUS failures): through the same gateway and FreeRADIUS as scenario 25, a
/// strongSwan client with the wrong password is refused (FreeRADIUS's Access-Reject → EAP-Failure, no
/// lease); with FreeRADIUS stopped a client fails after the configured RADIUS timeout × tries instead of hanging, and
/// once FreeRADIUS is back the next client gets in. Namespaces er-*. Needs root, strongSwan with eap-mschapv2 and
/// FreeRADIUS; fails, never skips, without them.
/// </summary>
public sealed class EapRadiusRefusedAndDownTests : IDisposable
{
    private const int AuthPort = 18862;
    private const int AcctPort = 18863;

    private readonly RoadWarriorLab _lab;
    private readonly FreeRadius _radius;

    public EapRadiusRefusedAndDownTests()
    {
        _lab = new RoadWarriorLab(overrides: RoadWarriorLab.EapRadiusGateway(AuthPort, AcctPort, retries: 1), namespacePrefix: "er");
        _radius = new FreeRadius(AuthPort, AcctPort, netns: _lab.GatewayNamespace);
    }

    [Fact]
    public void StrongSwanClient_WrongPassword_RefusedByRadiusNoLease()
    {
        _lab.StartCharon();
        _lab.LoadEap("road@e2e.test", "alice", "not-alices-password");

        var (code, output) = _lab.Initiate();

        Assert.True(code != 0, "initiate with a wrong password succeeded:\n" + output);
        CharonEapFailure.AssertSeen(_lab.CharonLog);
        Assert.True(_lab.WaitForHostLog("Access-Reject", TimeSpan.FromSeconds(5)), _lab.HostLog);
        Assert.DoesNotContain("lease ", _lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("not-alices-password", _lab.HostLog, StringComparison.Ordinal);
    }

    [Fact]
    public void StrongSwanClient_RadiusDownThenBack_FailsAfterTheTimeoutThenGetsIn()
    {
        _lab.StartCharon();
        _lab.LoadEap("road@e2e.test", "alice", "password");
        _radius.Stop();
        var watch = Stopwatch.StartNew();

        var (code, output) = _lab.Initiate();

        // timeout 1 s × (1 + 1 retry) × one server: EAP-Failure after ~2 s, well within swanctl's 12 s.
        Assert.True(code != 0, "initiate succeeded with RADIUS down:\n" + output);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(11));
        CharonEapFailure.AssertSeen(_lab.CharonLog);
        Assert.True(_lab.WaitForHostLog("RADIUS unavailable", TimeSpan.FromSeconds(5)), _lab.HostLog);

        _radius.Start();
        _lab.MustInitiate();

        Assert.Equal(IPAddress.Parse("10.77.0.9"), RoadWarriorLab.VirtualIp(_lab.ListSas()));
    }

    public void Dispose()
    {
        _radius.Dispose();
        _lab.Dispose();
    }
}
