using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Metrics;
using Concentrator.Server.Tests.Kernel;

namespace Concentrator.Server.Tests.Metrics;

/// <summary>What the kernel actor counts: its commands by outcome with their latency, a CHILD SA rekey once the new
/// states are in, and the CHILD SAs installed now (one per reqid).</summary>
public sealed class KernelActorMetricsTests : TestKit
{
    private const string Installed = "concentrator.child_sa.installed";
    private const string Commands = "concentrator.kernel.commands";

    [Fact]
    public void InstallRekeyRemove_CountsCommandsRekeyAndInstalledChildSas()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        var fake = new FakeKernelIpsec();
        var kernel = Sys.ActorOf(KernelActor.Props(fake, new KernelSettings(64, 1000), metrics));
        var owner = CreateTestProbe();

        kernel.Tell(KernelActorTests.Child(1, 0x4000_0701, 0xC0000701, 0xAAAA0701), owner);
        owner.ExpectMsg(new KernelDone(1));
        Assert.Equal(1, recorder.Observe(Installed));
        kernel.Tell(KernelActorTests.Child(2, 0x4000_0701, 0xC0000702, 0xAAAA0702) with { ReplacePolicies = true }, owner);
        owner.ExpectMsg(new KernelDone(2));
        // The rekey's states join the reqid: still one CHILD SA.
        Assert.Equal(1, recorder.Observe(Installed));
        Assert.Equal(1, recorder.Observe("concentrator.rekeys", "kind=child"));
        Assert.Equal(1, metrics.ChildRekeyCount);
        kernel.Tell(new RemoveChildSa(3, 0x4000_0701, 0xC0000701, 0xAAAA0701), owner);
        owner.ExpectMsg(new KernelDone(3));
        kernel.Tell(new RemoveChildSa(4, 0x4000_0701, 0xC0000702, 0xAAAA0702), owner);
        owner.ExpectMsg(new KernelDone(4));

        Assert.Equal(0, recorder.Observe(Installed));
        Assert.Equal(2, recorder.Sum(Commands, "command=install-child", "outcome=ok"));
        Assert.Equal(2, recorder.Sum(Commands, "command=remove-child", "outcome=ok"));
        Assert.Equal(2, recorder.Count("concentrator.kernel.command.duration", "command=install-child"));
    }

    [Fact]
    public void TrapTakenOverByFirstChildSa_NoRekey_ThenItsRekeyCounted()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        var kernel = Sys.ActorOf(KernelActor.Props(new FakeKernelIpsec(), new KernelSettings(64, 1000), metrics));
        var initiator = CreateTestProbe();
        var ikeSa = CreateTestProbe();
        const uint reqid = 0x4000_0901;

        // The trap: the connection initiator's policies with no states (as ConnectionInitiatorActor installs them).
        var trap = KernelActorTests.Child(1, reqid, 0xC0000901, 0xAAAA0901);
        kernel.Tell(trap with { Sas = [], ReplacePolicies = true }, initiator.Ref);
        initiator.ExpectMsg(new KernelDone(1));
        // The first CHILD SA takes the trap's reqid and policies over (XFRM_MSG_UPDPOLICY): no rekey.
        kernel.Tell(KernelActorTests.Child(2, reqid, 0xC0000902, 0xAAAA0902) with { ReplacePolicies = true }, ikeSa.Ref);
        ikeSa.ExpectMsg(new KernelDone(2));
        Assert.Equal(0, metrics.ChildRekeyCount);
        Assert.Equal(0, recorder.Observe("concentrator.rekeys", "kind=child"));
        // Its rekey: the new states join the reqid's states.
        kernel.Tell(KernelActorTests.Child(3, reqid, 0xC0000903, 0xAAAA0903) with { ReplacePolicies = true }, ikeSa.Ref);
        ikeSa.ExpectMsg(new KernelDone(3));

        Assert.Equal(1, metrics.ChildRekeyCount);
        Assert.Equal(1, recorder.Observe("concentrator.rekeys", "kind=child"));
    }

    [Fact]
    public void InstallFails_CountedAsFailedAndNothingInstalled()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        var fake = new FakeKernelIpsec
        {
            FailWhen = call => call.StartsWith("add-policy", StringComparison.Ordinal) ? new KernelException(Errnos.EEXIST, "File exists", "add policy") : null,
        };
        var kernel = Sys.ActorOf(KernelActor.Props(fake, new KernelSettings(64, 1000), metrics));

        kernel.Tell(KernelActorTests.Child(1, 0x4000_0801, 0xC0000801, 0xAAAA0801));

        ExpectMsg<KernelFailed>();
        Assert.Equal(1, recorder.Sum(Commands, "command=install-child", "outcome=failed"));
        Assert.Equal(0, recorder.Sum(Commands, "command=install-child", "outcome=ok"));
        Assert.Equal(0, recorder.Observe(Installed));
    }
}
