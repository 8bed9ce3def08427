using System.Net;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: uniqueness decided inside IKE_AUTH (unique = keep): the refusal is the IKE_AUTH answer.</summary>
public sealed class IdentityGateTests
{
    [Fact]
    public void Auth_GateRefusesIdentity_AnsweredAuthenticationFailedWithoutAddressOrChildSa()
    {
        var gate = new FakeGate { Admit = false };
        var allocator = new ListAllocator("10.99.0.1");
        var (initiator, responder) = Run(gate, allocator);

        Assert.Equal(IkeSaState.Failed, responder.State);
        Assert.Equal(NotifyType.AuthenticationFailed, responder.FailureNotify);
        Assert.Equal(IkeSaState.Failed, initiator.State);
        Assert.Equal(NotifyType.AuthenticationFailed, initiator.FailureNotify);
        Assert.Empty(responder.VirtualIps);
        Assert.Empty(allocator.Allocations);
        Assert.Equal([IkeIdentity.Parse("client@example.org")], gate.Asked);

        responder.Dispose();
        Assert.Empty(gate.Left); // a refused SA never held the identity
    }

    [Fact]
    public void Auth_GateAdmitsIdentity_EstablishedAndLeavesItWhenDisposed()
    {
        var gate = new FakeGate { Admit = true };
        var (initiator, responder) = Run(gate, new ListAllocator("10.99.0.1"));

        Assert.Equal(IkeSaState.Established, responder.State);
        Assert.Equal(IkeSaState.Established, initiator.State);

        responder.Dispose();
        Assert.Equal([(IkeIdentity.Parse("client@example.org"), responder.LeaseOwner)], gate.Left);
    }

    private static (IkeSa Initiator, IkeSa Responder) Run(IIdentityGate gate, IAddressAllocator allocator)
    {
        using var shape = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");
        var initiator = IkeSa.CreateInitiator(shape.Initiator.Config, new IkeSaServices { Random = new SeededRandom(1) },
            SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        var responder = IkeSa.CreateResponder(shape.Responder.Config,
            new IkeSaServices { Random = new SeededRandom(2), AddressAllocator = allocator, IdentityGate = gate },
            SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult step = initiator.Initiate();
        for (int round = 0; round < 4 && step.Outbound.Count > 0; round++)
        {
            IkeSaResult answer = responder.Process(step.Outbound[0], SaPair.ClientEndpoint, SaPair.ServerEndpoint);
            if (answer.Outbound.Count == 0)
            {
                break;
            }

            step = initiator.Process(answer.Outbound[0], SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        }

        return (initiator, responder);
    }

    private sealed class FakeGate : IIdentityGate
    {
        public bool Admit { get; init; }

        public List<IkeIdentity> Asked { get; } = [];

        public List<(IkeIdentity, ulong)> Left { get; } = [];

        public bool TryAdmit(IkeIdentity peer, ulong owner)
        {
            Asked.Add(peer);
            return Admit;
        }

        public void Leave(IkeIdentity peer, ulong owner) => Left.Add((peer, owner));
    }
}
