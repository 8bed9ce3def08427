using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;
using Concentrator.Server.Metrics;
using Concentrator.Server.Runtime;
using Concentrator.Server.Sa;
using Concentrator.Server.Tests.Interfaces;
using Concentrator.Server.Tests.Kernel;
using Concentrator.Server.Tests.Sa;

namespace Concentrator.Server.Tests.Metrics;

/// <summary>What the gateway counts of the SAs it initiates: an initiated SA is established (the gauge, the interface's
/// SA count) only once its IKE_AUTH completed, not from its spawn; each attempt is counted, and each that ended without
/// an IKE SA by its cause.</summary>
public sealed class InitiatorMetricsTests : TestKit
{
    private const string Established = "concentrator.ike_sa.established";
    private const string PolicyBased = "interface=policy-based";

    [Fact]
    public void InitiatedSa_SpawnedThenRegistered_EstablishedOnlyFromItsRegistration()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        var kernel = Sys.ActorOf(KernelActor.Props(new FakeKernelIpsec(), new KernelSettings(64, 1000)));
        var home = Sys.ActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("no"), kernel, new InterfaceSettings(1400, ""), 0, metrics));
        home.Tell(new AttachConnection(InterfaceActorTests.Connection("s2s", "no")));
        ExpectMsg<ConnectionAttached>();

        home.Tell(new SpawnSa("s2s", Props.Create(() => new RegisteringSa()), "initiated-s2s-1") { Initiated = true });
        var first = ExpectMsg<SaSpawned>().Sa;
        home.Tell(new SpawnSa("s2s", Props.Create(() => new RegisteringSa()), "initiated-s2s-2") { Initiated = true });
        var second = ExpectMsg<SaSpawned>().Sa;
        Assert.Equal(0, recorder.Sum(Established, PolicyBased));
        Assert.Equal(0, SaCount(home));

        // The first completes its IKE_AUTH (it registers its summary); the second fails before and stops.
        first.Tell(RegisteringSa.Register);
        AwaitAssert(() => Assert.Equal(1, SaCount(home)));
        Assert.Equal(1, recorder.Sum(Established, PolicyBased));
        Watch(second);
        Sys.Stop(second);
        ExpectTerminated(second);
        AwaitAssert(() => Assert.Equal(1, SaCount(home)));
        Assert.Equal(1, recorder.Sum(Established, PolicyBased));

        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        AwaitAssert(() => Assert.Equal(0, SaCount(home)));
        Assert.Equal(0, recorder.Sum(Established, PolicyBased));
    }

    [Fact]
    public void Initiator_PeerNeverAnswers_OneAttemptAndOneTimeoutFailureCounted()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        CompactMailbox.Register(Sys);
        var socket = CreateTestProbe();
        var kernel = CreateTestProbe();
        var home = CreateTestProbe();
        var environment = new IkeSaEnvironment(new Concentrator.Ike.Sa.IkeSaServices(), kernel.Ref, SaActorHarness.FastSettings)
        {
            Connection = "s2s",
            Metrics = metrics,
        };
        // A long retry delay: one attempt within the test.
        var connection = InterfaceActorTests.Connection("s2s", "no") with
        {
            Initiator = new InitiatorSettings(["192.0.2.10"], StartAction.Start, StartAction.None, StartAction.None, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)),
        };
        var target = new InitiatorTarget(connection, SaActorHarness.ClientConfig("gw.example.net", false, "aes256gcm16"), environment,
            socket.Ref, home.Ref, 500, _ => IPAddress.Parse("198.51.100.1"));

        var initiator = Sys.ActorOf(ConnectionInitiatorActor.Props(target));
        var spawn = home.ExpectMsg<SpawnSa>();
        Assert.True(spawn.Initiated);
        var sa = Sys.ActorOf(spawn.Props, spawn.Name);
        initiator.Tell(new SaSpawned(spawn.Connection, spawn.Name, sa), home.Ref);
        Watch(sa);

        // IKE_SA_INIT and its retransmissions go unanswered: the SA gives up (RFC 7296 §2.4) and stops.
        socket.ExpectMsg<Concentrator.Server.Network.SendIke>();
        ExpectTerminated(sa, TimeSpan.FromSeconds(10));

        AwaitAssert(() => Assert.Equal(1, recorder.Sum("concentrator.initiator.failures", "cause=Timeout")));
        Assert.Equal(1, recorder.Sum("concentrator.initiator.attempts", "connection=s2s"));
        Assert.Equal(1, metrics.InitiationCount);
        Assert.Equal(new Dictionary<string, long> { ["Timeout"] = 1 }, metrics.InitiationFailureCounts);
    }

    private static int SaCount(IActorRef home) =>
        home.Ask<InterfaceState>(GetInterfaceState.Instance, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult().SaCount;

    /// <summary>Stands for an initiated IKE SA actor: registers its summary with its home when told, as the real one does
    /// once IKE_AUTH established it.</summary>
    private sealed class RegisteringSa : ReceiveActor
    {
        public const string Register = "register";

        public RegisteringSa() => Receive<string>(_ => Context.Parent.Tell(new SaRegistered(new SaSummary(
            Self.Path.Name, "s2s", "policy-based", "peer.example.net", "192.0.2.10:500", "198.51.100.1:500", [], DateTimeOffset.UtcNow))));
    }
}
