using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

/// <summary>
/// One IKE SA per authenticated identity (strongSwan's uniqueids=replace): the newest SA of an identity wins and
/// the older one is told to delete itself. Holders are watched, so a stopped SA frees its identity.
/// </summary>
public sealed class IdentityRegistryActor : ReceiveActor
{
    private readonly Dictionary<IkeIdentity, IActorRef> _holders = [];
    private readonly Dictionary<IActorRef, IkeIdentity> _byActor = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public IdentityRegistryActor()
    {
        Receive<ClaimIdentity>(OnClaim);
        Receive<GetIdentityHolder>(g => Sender.Tell(new IdentityHolder(g.Identity, _holders.GetValueOrDefault(g.Identity))));
        Receive<Terminated>(t =>
        {
            if (_byActor.Remove(t.ActorRef, out var identity) && _holders.TryGetValue(identity, out var holder) && holder.Equals(t.ActorRef))
            {
                _holders.Remove(identity);
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new IdentityRegistryActor());

    private void OnClaim(ClaimIdentity claim)
    {
        if (_holders.TryGetValue(claim.Identity, out var older) && !older.Equals(Sender))
        {
            // RFC 7296 §2.4: with INITIAL_CONTACT the peer says it keeps no other IKE SA, so the old one goes
            // without an exchange; otherwise the newer SA replaces it and the peer is told with a Delete.
            _log.Info("{0}: a newer IKE SA replaces {1}{2}", claim.Identity, older.Path.Name, claim.InitialContact ? " (INITIAL_CONTACT)" : "");
            older.Tell(new DeleteIkeSa($"replaced by a newer IKE SA of {claim.Identity}", Silently: claim.InitialContact));
            _byActor.Remove(older);
            Context.Unwatch(older);
        }

        _holders[claim.Identity] = Sender;
        _byActor[Sender] = claim.Identity;
        Context.Watch(Sender);
    }
}
