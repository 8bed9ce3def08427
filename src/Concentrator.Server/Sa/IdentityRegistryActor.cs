using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using Akka.Actor;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

/// <summary>
/// One IKE SA per authenticated identity (strongSwan's uniqueids=replace): the newest SA of an identity wins and
/// the older one is told to delete itself. The newer SA is granted the identity only once the older one has taken
/// its CHILD SAs out of the kernel, because with the same virtual IP both would install the same policy selectors.
/// Holders are watched, so a stopped SA frees its identity (and counts as released).
/// </summary>
public sealed class IdentityRegistryActor : ReceiveActor
{
    private readonly Dictionary<IkeIdentity, IActorRef> _holders = [];
    private readonly Dictionary<IActorRef, IkeIdentity> _byActor = [];

    // An older SA told to go → the claimant waiting for it.
    private readonly Dictionary<IActorRef, (IActorRef Claimant, IkeIdentity Identity)> _releasing = [];
    private readonly ILogger _log = ServerLogging.For<IdentityRegistryActor>(Context);

    public IdentityRegistryActor()
    {
        Receive<ClaimIdentity>(OnClaim);
        Receive<IkeSaReleased>(_ => Released(Sender));
        Receive<GetIdentityHolder>(g => Sender.Tell(new IdentityHolder(g.Identity, _holders.GetValueOrDefault(g.Identity))));
        Receive<Terminated>(t =>
        {
            Released(t.ActorRef);
            if (_byActor.Remove(t.ActorRef, out var identity) && _holders.TryGetValue(identity, out var holder) && holder.Equals(t.ActorRef))
            {
                _holders.Remove(identity);
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new IdentityRegistryActor());

    private void OnClaim(ClaimIdentity claim)
    {
        var claimant = Sender;
        _holders.TryGetValue(claim.Identity, out var older);
        _holders[claim.Identity] = claimant;
        _byActor[claimant] = claim.Identity;
        Context.Watch(claimant);
        if (older is null || older.Equals(claimant))
        {
            claimant.Tell(new IdentityGranted(claim.Identity));
            return;
        }

        // RFC 7296 §2.4: with INITIAL_CONTACT the peer says it keeps no other IKE SA, so the old one goes
        // without an exchange; otherwise the newer SA replaces it and the peer is told with a Delete.
        _log.Replaced(claim.Identity, older.Path.Name, claim.InitialContact ? " (INITIAL_CONTACT)" : "");
        _byActor.Remove(older);
        _releasing[older] = (claimant, claim.Identity);
        older.Tell(new DeleteIkeSa($"replaced by a newer IKE SA of {claim.Identity}", Silently: claim.InitialContact));
    }

    private void Released(IActorRef older)
    {
        if (_releasing.Remove(older, out var waiting))
        {
            waiting.Claimant.Tell(new IdentityGranted(waiting.Identity));
            // No longer a holder: its Terminated is of no further interest.
            Context.Unwatch(older);
        }
    }
}
