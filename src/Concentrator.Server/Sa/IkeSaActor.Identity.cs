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
        Become(AwaitingIdentity);
    }

    private void AwaitingIdentity()
    {
        Receive<IdentityGranted>(_ => IdentitySettled());
        Receive<IdentityTimeout>(_ =>
        {
            _log.Warning("{0}: the identity registry did not answer within {1}; going on", _sa, _settings.KernelTimeout);
            IdentitySettled();
        });
        Receive<GetIkeSaStatus>(_ => Sender.Tell(Status()));
        StashTheRest();
    }

    private void IdentitySettled()
    {
        Timers.Cancel(IdentityKey);
        var outbound = _heldForIdentity!;
        _heldForIdentity = null;
        Become(Active);
        Continue(outbound);
        _stashedDatagrams = 0;
        Stash.UnstashAll();
    }
}
