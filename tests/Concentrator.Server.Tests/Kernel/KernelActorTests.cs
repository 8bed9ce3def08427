using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Tests.Kernel;

public sealed class KernelActorTests : TestKit
{
    private readonly FakeKernelIpsec _kernel = new();

    internal static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");
    internal static readonly IPAddress Peer = IPAddress.Parse("203.0.113.5");

    private IActorRef Start(int batchSize = 64, int queueBound = 1000) =>
        Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(batchSize, queueBound)));

    internal static InstallChild Child(long correlation, uint reqid, uint spiIn, uint spiOut, string virtualIp = "10.99.0.2")
    {
        var client = new IPNetwork(IPAddress.Parse(virtualIp), 32);
        var local = IPNetwork.Parse("198.51.100.0/24");
        var aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, new byte[36], 128);
        SaRequest Sa(IPAddress src, IPAddress dst, uint spi) => new(src, dst, spi, reqid) { Aead = aead, IfId = 1 };
        PolicyRequest Policy(TrafficSelector ts, PolicyDirection dir, IPAddress src, IPAddress dst) =>
            new(ts, dir, [new PolicyTemplate(src, dst, reqid)]) { IfId = 1 };
        var inbound = TrafficSelector.Between(client, local);
        var outbound = TrafficSelector.Between(local, client);
        return new InstallChild(
            correlation,
            reqid,
            [new SaInstall(Sa(Peer, Gateway, spiIn)), new SaInstall(Sa(Gateway, Peer, spiOut))],
            [Policy(inbound, PolicyDirection.In, Peer, Gateway), Policy(inbound, PolicyDirection.Fwd, Peer, Gateway), Policy(outbound, PolicyDirection.Out, Gateway, Peer)]);
    }

    internal static RemoveChild RemovalOf(InstallChild install, long correlation) =>
        new(correlation, install.Reqid, install.Sas.Select(s => s.Request.Id).ToList(), install.Policies.Select(p => p.Id).ToList());

    [Fact]
    public void InstallChild_AllSucceed_SasThenPoliciesInOrder()
    {
        var kernel = Start();

        kernel.Tell(Child(1, 0x4000_0001, 0xC0000001, 0xAAAA0001));

        ExpectMsg(new KernelDone(1));
        Assert.Equal(
            ["add-sa spi 0xc0000001", "add-sa spi 0xaaaa0001", "add-policy In 198.51.100.0/24", "add-policy Fwd 198.51.100.0/24", "add-policy Out 10.99.0.2/32"],
            _kernel.CallList);
        Assert.Equal(2, _kernel.Sas.Count);
        Assert.Equal(3, _kernel.Policies.Count);
    }

    [Fact]
    public void InstallChild_PolicyFailsInMiddle_EverythingRemovedAndErrnoReported()
    {
        var kernel = Start();
        _kernel.FailWhen = call => call == "add-policy Fwd 198.51.100.0/24" ? new KernelException(Errnos.EINVAL, "Invalid policy template", "add policy") : null;

        kernel.Tell(Child(7, 0x4000_0002, 0xC0000002, 0xAAAA0002));

        var failed = ExpectMsg<KernelFailed>();
        Assert.Equal(7, failed.CorrelationId);
        Assert.Equal(Errnos.EINVAL, failed.Errno);
        Assert.Equal("Invalid policy template", failed.ExtAck);
        Assert.Empty(failed.RollbackErrors);
        Assert.True(_kernel.IsEmpty, string.Join(", ", _kernel.CallList));
        Assert.Equal(["delete-policy In 198.51.100.0/24", "delete-sa spi 0xaaaa0002", "delete-sa spi 0xc0000002"], _kernel.CallList.Skip(4));
    }

    [Fact]
    public void InstallChild_SecondSaFails_FirstSaRemoved()
    {
        var kernel = Start();
        _kernel.FailWhen = call => call == "add-sa spi 0xaaaa0003" ? new KernelException(Errnos.EPROTONOSUPPORT, "Requested type not found", "add SA") : null;

        kernel.Tell(Child(3, 0x4000_0003, 0xC0000003, 0xAAAA0003));

        Assert.Equal(Errnos.EPROTONOSUPPORT, ExpectMsg<KernelFailed>().Errno);
        Assert.True(_kernel.IsEmpty);
        Assert.Equal(["add-sa spi 0xc0000003", "add-sa spi 0xaaaa0003", "delete-sa spi 0xc0000003"], _kernel.CallList);
    }

    [Fact]
    public void InstallChild_SaExistsAlready_FailureNamesTheStatesAndTheStepThatMetEexist()
    {
        var kernel = Start();
        kernel.Tell(Child(1, 0x4000_0011, 0xC0000011, 0xAAAA0011, "10.99.0.11"));
        ExpectMsg(new KernelDone(1));

        // Another CHILD SA (another client) whose outbound SPI the kernel already has: EEXIST from the fake kernel.
        EventFilter.Warning(contains: "add SA esp spi 0xaaaa0011 192.0.2.1->203.0.113.5").ExpectOne(() =>
            kernel.Tell(Child(2, 0x4000_0012, 0xC0000012, 0xAAAA0011, "10.99.0.12")));

        var failed = ExpectMsg<KernelFailed>();
        Assert.Equal(Errnos.EEXIST, failed.Errno);
        // What the SA actor logs is this text: both states of the CHILD SA by SPI and destination, then the failing step.
        var text = failed.ToString();
        Assert.Contains("install CHILD SA reqid 1073741842 (SAs esp spi 0xc0000012 203.0.113.5->192.0.2.1, esp spi 0xaaaa0011 192.0.2.1->203.0.113.5)", text);
        Assert.Contains(": add SA esp spi 0xaaaa0011 192.0.2.1->203.0.113.5 (add)", text);
    }

    [Fact]
    public void InstallChild_PolicyExistsAlready_FailureNamesTheSelector()
    {
        var kernel = Start();
        kernel.Tell(Child(1, 0x4000_0021, 0xC0000021, 0xAAAA0021));
        ExpectMsg(new KernelDone(1));

        // Same virtual IP, other reqid and SPIs (an older SA of the client still in place): the inbound policy exists.
        kernel.Tell(Child(2, 0x4000_0022, 0xC0000022, 0xAAAA0022));

        var failed = ExpectMsg<KernelFailed>();
        Assert.Equal(Errnos.EEXIST, failed.Errno);
        Assert.Contains("esp spi 0xc0000022 203.0.113.5->192.0.2.1, esp spi 0xaaaa0022 192.0.2.1->203.0.113.5", failed.Operation);
        Assert.EndsWith(": add policy 10.99.0.2/32->198.51.100.0/24 in if_id 1 (add)", failed.Operation);
    }

    [Fact]
    public void RemoveChild_SentRightAfterInstall_RunsAfterIt()
    {
        var kernel = Start();
        var gate = new TaskCompletionSource();
        _kernel.Gate = gate.Task;
        var install = Child(1, 0x4000_0004, 0xC0000004, 0xAAAA0004);

        kernel.Tell(install);
        kernel.Tell(RemovalOf(install, 2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        gate.SetResult();

        ExpectMsg(new KernelDone(1));
        ExpectMsg(new KernelDone(2));
        Assert.True(_kernel.IsEmpty);
        Assert.Equal(5, _kernel.CallList.TakeWhile(c => c.StartsWith("add", StringComparison.Ordinal)).Count());
    }

    [Fact]
    public void InstallChild_DifferentReqids_RunConcurrentlyUpToBatchSize()
    {
        var kernel = Start(batchSize: 3);
        var gate = new TaskCompletionSource();
        _kernel.Gate = gate.Task;

        for (var i = 0; i < 10; i++)
        {
            kernel.Tell(Child(i, 0x4000_0100 + (uint)i, 0xC000_0100 + (uint)i, 0xAAAA_0100 + (uint)i, $"10.99.0.{i + 10}"));
        }

        AwaitCondition(() => Volatile.Read(ref _kernel.InFlight) == 3, TimeSpan.FromSeconds(3));
        gate.SetResult();

        var done = Enumerable.Range(0, 10).Select(_ => ExpectMsg<KernelDone>().CorrelationId).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), done);
        Assert.Equal(3, _kernel.MaxInFlight);
        Assert.Equal(20, _kernel.Sas.Count);
    }

    [Fact]
    public void Command_QueueBoundReached_RefusedWithEnobufs()
    {
        var kernel = Start(batchSize: 1, queueBound: 2);
        var gate = new TaskCompletionSource();
        _kernel.Gate = gate.Task;

        kernel.Tell(Child(1, 0x4000_0201, 0xC0000201, 0xAAAA0201));
        kernel.Tell(Child(2, 0x4000_0202, 0xC0000202, 0xAAAA0202, "10.99.0.3"));
        kernel.Tell(Child(3, 0x4000_0203, 0xC0000203, 0xAAAA0203, "10.99.0.4"));

        var refused = ExpectMsg<KernelFailed>();
        Assert.Equal(3, refused.CorrelationId);
        Assert.Equal(Errnos.ENOBUFS, refused.Errno);
        gate.SetResult();
        ExpectMsg(new KernelDone(1));
        ExpectMsg(new KernelDone(2));
    }

    [Fact]
    public void Owner_StopsAfterInstall_ItsStateRemoved()
    {
        var kernel = Start();
        var owner = CreateTestProbe();
        kernel.Tell(Child(1, 0x4000_0301, 0xC0000301, 0xAAAA0301), owner);
        kernel.Tell(Child(2, 0x4000_0302, 0xC0000302, 0xAAAA0302, "10.99.0.3"), owner);
        // Different reqids run concurrently: the answers may come in either order.
        Assert.Equal([1L, 2L], new[] { owner.ExpectMsg<KernelDone>().CorrelationId, owner.ExpectMsg<KernelDone>().CorrelationId }.Order());
        Assert.Equal(4, _kernel.Sas.Count);

        Sys.Stop(owner.Ref);

        AwaitCondition(() => _kernel.IsEmpty, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Owner_RemovedItsChildThenStops_NothingDeletedTwice()
    {
        var kernel = Start();
        var owner = CreateTestProbe();
        var install = Child(1, 0x4000_0401, 0xC0000401, 0xAAAA0401);
        kernel.Tell(install, owner);
        kernel.Tell(RemovalOf(install, 2), owner);
        owner.ExpectMsg(new KernelDone(1));
        owner.ExpectMsg(new KernelDone(2));

        Sys.Stop(owner.Ref);
        kernel.Tell(new AddRoute(3, new RouteRequest(IPNetwork.Parse("10.99.0.0/24"), 5)));
        ExpectMsg(new KernelDone(3));

        Assert.Equal(5, _kernel.CallList.Count(c => c.StartsWith("delete", StringComparison.Ordinal)));
    }

    [Fact]
    public void RemoveChildSa_RekeyedReqid_OldStatesOnlyThenLastTakesPolicies()
    {
        var kernel = Start();
        var owner = CreateTestProbe();
        kernel.Tell(Child(1, 0x4000_0701, 0xC0000701, 0xAAAA0701), owner);
        owner.ExpectMsg(new KernelDone(1));
        // RFC 7296 §1.3.3: the rekey's states join the reqid and take the policies over.
        kernel.Tell(Child(2, 0x4000_0701, 0xC0000702, 0xAAAA0702) with { ReplacePolicies = true }, owner);
        owner.ExpectMsg(new KernelDone(2));
        Assert.Equal((4, 3), (_kernel.Sas.Count, _kernel.Policies.Count));

        // The old CHILD SA goes: only its states, the policies carry the new one's traffic.
        kernel.Tell(new RemoveChildSa(3, 0x4000_0701, 0xC0000701, 0xAAAA0701), owner);
        owner.ExpectMsg(new KernelDone(3));
        Assert.Equal((2, 3), (_kernel.Sas.Count, _kernel.Policies.Count));
        Assert.All(_kernel.Sas, sa => Assert.Contains(sa.Spi, new uint[] { 0xC0000702, 0xAAAA0702 }));

        // The reqid's last CHILD SA takes its policies with it.
        kernel.Tell(new RemoveChildSa(4, 0x4000_0701, 0xC0000702, 0xAAAA0702), owner);
        owner.ExpectMsg(new KernelDone(4));
        Assert.True(_kernel.IsEmpty);
    }

    [Fact]
    public void RemoveChildSa_RekeyedReqid_NewOneRemovedFirst_PoliciesStayForTheOld()
    {
        // Before the kernel actor kept the one record, the IKE SA actor handed the policies to the newer CHILD SA's
        // record: removing the newer one first took the policies while the older one's states still carried traffic.
        var kernel = Start();
        var owner = CreateTestProbe();
        kernel.Tell(Child(1, 0x4000_0b01, 0xC0000b01, 0xAAAA0b01), owner);
        kernel.Tell(Child(2, 0x4000_0b01, 0xC0000b02, 0xAAAA0b02) with { ReplacePolicies = true }, owner);
        owner.ExpectMsg(new KernelDone(1));
        owner.ExpectMsg(new KernelDone(2));

        kernel.Tell(new RemoveChildSa(3, 0x4000_0b01, 0xC0000b02, 0xAAAA0b02), owner);
        owner.ExpectMsg(new KernelDone(3));
        Assert.Equal((2, 3), (_kernel.Sas.Count, _kernel.Policies.Count));

        kernel.Tell(new RemoveChildSa(4, 0x4000_0b01, 0xC0000b01, 0xAAAA0b01), owner);
        owner.ExpectMsg(new KernelDone(4));
        Assert.True(_kernel.IsEmpty);
    }

    [Fact]
    public void RemoveChildSa_AfterRefusedRekey_TakesStatesAndPolicies()
    {
        var kernel = Start();
        var owner = CreateTestProbe();
        kernel.Tell(Child(1, 0x4000_0801, 0xC0000801, 0xAAAA0801), owner);
        owner.ExpectMsg(new KernelDone(1));
        _kernel.FailWhen = call => call == "add-sa spi 0xaaaa0802" ? new KernelException(Errnos.EEXIST, null, "add sa") : null;
        kernel.Tell(Child(2, 0x4000_0801, 0xC0000802, 0xAAAA0802) with { ReplacePolicies = true }, owner);
        owner.ExpectMsg<KernelFailed>();
        _kernel.FailWhen = _ => null;

        // The refused install was rolled back and forgotten: the old CHILD SA is the reqid's only one again.
        kernel.Tell(new RemoveChildSa(3, 0x4000_0801, 0xC0000801, 0xAAAA0801), owner);
        owner.ExpectMsg(new KernelDone(3));
        Assert.True(_kernel.IsEmpty);
    }

    [Fact]
    public void RemoveChildSa_NothingRecorded_DoneWithoutKernelCall()
    {
        var kernel = Start();

        kernel.Tell(new RemoveChildSa(9, 0x4000_0901, 0xC0000901, 0xAAAA0901));

        ExpectMsg(new KernelDone(9));
        Assert.Empty(_kernel.CallList);
    }

    [Fact]
    public void RemoveOwnedBy_OwnerLives_AllItsStateRemovedOthersKept()
    {
        var kernel = Start();
        var owner = CreateTestProbe();
        var other = CreateTestProbe();
        kernel.Tell(Child(1, 0x4000_0a01, 0xC0000a01, 0xAAAA0a01), owner);
        kernel.Tell(Child(2, 0x4000_0a02, 0xC0000a02, 0xAAAA0a02, "10.99.0.3"), other);
        owner.ExpectMsg(new KernelDone(1));
        other.ExpectMsg(new KernelDone(2));

        kernel.Tell(new RemoveOwnedBy(3, owner.Ref));
        ExpectMsg(new KernelDone(3));

        AwaitCondition(() => _kernel.Sas.Count == 2, TimeSpan.FromSeconds(3));
        Assert.All(_kernel.Sas, sa => Assert.Contains(sa.Spi, new uint[] { 0xC0000a02, 0xAAAA0a02 }));
        Assert.Equal(3, _kernel.Policies.Count);
    }

    [Fact]
    public void RemoveChild_StateAlreadyGone_Done()
    {
        var kernel = Start();

        kernel.Tell(RemovalOf(Child(1, 0x4000_0501, 0xC0000501, 0xAAAA0501), 9));

        ExpectMsg(new KernelDone(9));
    }

    [Fact]
    public void RemoveChild_KernelRefusesOne_ReportsAndStillRemovesTheRest()
    {
        var kernel = Start();
        var install = Child(1, 0x4000_0601, 0xC0000601, 0xAAAA0601);
        kernel.Tell(install);
        ExpectMsg(new KernelDone(1));
        _kernel.FailWhen = call => call == "delete-policy Out 10.99.0.2/32" ? new KernelException(Errnos.EBUSY, null, "delete policy") : null;

        kernel.Tell(RemovalOf(install, 2));

        var failed = ExpectMsg<KernelFailed>();
        Assert.Equal(Errnos.EBUSY, failed.Errno);
        Assert.Single(failed.RollbackErrors);
        Assert.Empty(_kernel.Sas);
        Assert.Single(_kernel.Policies);
    }

    [Fact]
    public void EnsureInterface_NoneWithIfId_CreatedAsManaged()
    {
        var kernel = Start();

        kernel.Tell(new EnsureInterface(1, new InterfaceRequest("ipsec1", 1, 0) { Mtu = 1400 }));

        var ready = ExpectMsg<InterfaceReady>();
        Assert.True(ready.Managed);
        Assert.Equal(1400u, _kernel.Interfaces[ready.Index].Mtu);
    }

    [Fact]
    public void EnsureInterface_OperatorMadeOne_AdoptedUnmanaged()
    {
        var index = _kernel.AddExistingInterface("ipsec7", 7);
        var kernel = Start();

        kernel.Tell(new EnsureInterface(1, new InterfaceRequest("ipsec7", 7, 0)));

        Assert.Equal(new InterfaceReady(1, index, "ipsec7", Managed: false), ExpectMsg<InterfaceReady>());
        Assert.DoesNotContain(_kernel.CallList, c => c.StartsWith("create", StringComparison.Ordinal));
    }

    [Fact]
    public void SaExpired_ForInstalledReqid_GoesToItsOwner()
    {
        var kernel = Start();
        var owner = CreateTestProbe();
        var install = Child(1, 0x4000_0701, 0xC0000701, 0xAAAA0701);
        kernel.Tell(install, owner);
        owner.ExpectMsg(new KernelDone(1));
        var expired = new SaExpiredEvent(install.Sas[0].Request.Id, 0x4000_0701, Hard: false);

        _kernel.Publish(expired);

        Assert.Equal(expired, owner.ExpectMsg<SaExpiredEvent>());
    }

    [Fact]
    public void KernelEvent_NobodyOwnsIt_PublishedOnEventStream()
    {
        Start();
        var listener = CreateTestProbe();
        Sys.EventStream.Subscribe(listener.Ref, typeof(KernelEvent));

        _kernel.Publish(new EventsLostEvent());
        _kernel.Publish(new SaExpiredEvent(new SaId(Peer, Gateway, 1), 0x4000_0999, Hard: true));

        listener.ExpectMsg<EventsLostEvent>();
        Assert.Equal(0x4000_0999u, listener.ExpectMsg<SaExpiredEvent>().Reqid);
    }
}
