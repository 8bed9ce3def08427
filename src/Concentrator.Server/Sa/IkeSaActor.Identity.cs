using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

// Unique identities (strongSwan's uniqueids=replace): once IKE_AUTH authenticated the peer, the SA claims its
// identity from the IdentityRegistryActor and holds its answer (and its CHILD SA install) until the registry
// grants it, i.e. until an older SA of the same identity has taken its CHILD SAs out of the kernel.
public sealed partial class IkeSaActor
{
    private const string IdentityKey = "identity";
    private IReadOnlyList<byte[]>? _heldForIdentity;
    private bool _claimed;

    private sealed record IdentityTimeout
    {
        public static IdentityTimeout Instance { get; } = new();
    }

    private void AwaitIdentity(IReadOnlyList<byte[]> outbound)
    {
        _heldForIdentity = outbound;
        // Bounded like a kernel install: a registry that never answers must not hold the client forever.
        Timers.StartSingleTimer(IdentityKey, IdentityTimeout.Instance, _settings.KernelTimeout);
        _phase = Phase.AwaitingIdentity;
    }

    private void AwaitingIdentity(object message)
    {
        switch (message)
        {
            case IdentityGranted:
                IdentitySettled();
                break;
            case IdentityTimeout:
                _log.Warning("{0}: the identity registry did not answer within {1}; going on", _sa, _settings.KernelTimeout);
                IdentitySettled();
                break;
            case GetIkeSaStatus:
                Sender.Tell(Status());
                break;
            default:
                StashTheRest(message);
                break;
        }
    }

    private void IdentitySettled()
    {
        Timers.Cancel(IdentityKey);
        var outbound = _heldForIdentity!;
        _heldForIdentity = null;
        _phase = Phase.Active;
        Continue(outbound);
        _stashedDatagrams = 0;
        Stash.UnstashAll();
    }
}
