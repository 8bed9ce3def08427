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
/// With clustering on, a directory (Cluster/IdentityDirectoryActor) is told of every identity granted here and every
/// holder that ended; it answers <see cref="IdentityClaimedElsewhere"/> when another node granted an identity held
/// here later, and the SA here is deleted the same way a local replacement deletes it (nobody waits for it: the SA on
/// the other node has its own kernel and its own pool blocks, so the two never share selectors).
/// </summary>
public sealed class IdentityRegistryActor : ReceiveActor
{
    private readonly Dictionary<IkeIdentity, IActorRef> _holders = [];
    private readonly Dictionary<IActorRef, IkeIdentity> _byActor = [];

    // An older SA told to go → the claimant waiting for it.
    private readonly Dictionary<IActorRef, (IActorRef Claimant, IkeIdentity Identity)> _releasing = [];
    private readonly ILogger _log = ServerLogging.For<IdentityRegistryActor>(Context);
    private readonly IActorRef? _directory;

    /// <param name="directory">The cluster's identity directory on this node, or null on a single node.</param>
    public IdentityRegistryActor(IActorRef? directory = null)
    {
        _directory = directory;
        Receive<ClaimIdentity>(OnClaim);
        Receive<IkeSaReleased>(_ => Released(Sender));
        Receive<GetIdentityHolder>(g => Sender.Tell(new IdentityHolder(g.Identity, _holders.GetValueOrDefault(g.Identity))));
        Receive<Terminated>(t => Stopped(t.ActorRef));
        Receive<IdentityHolderStopped>(_ => Stopped(Sender));
        Receive<IdentityClaimedElsewhere>(OnClaimedElsewhere);
    }

    public static Props Props(IActorRef? directory = null) => Akka.Actor.Props.Create(() => new IdentityRegistryActor(directory));

    private void OnClaimedElsewhere(IdentityClaimedElsewhere claim)
    {
        if (!_holders.Remove(claim.Identity, out var older))
        {
            return;
        }

        // The same rule as a local replacement (RFC 7296 §2.4): silently after INITIAL_CONTACT, else a Delete to the peer.
        _log.ReplacedElsewhere(claim.Identity, older.Path.Name, claim.Node, claim.InitialContact ? " (INITIAL_CONTACT)" : "");
        _byActor.Remove(older);
        Context.Unwatch(older);
        older.Tell(new DeleteIkeSa($"replaced by a newer IKE SA of {claim.Identity} on {claim.Node}", Silently: claim.InitialContact));
    }

    private void OnClaim(ClaimIdentity claim)
    {
        var claimant = Sender;
        _holders.TryGetValue(claim.Identity, out var older);
        _holders[claim.Identity] = claimant;
        _byActor[claimant] = claim.Identity;
        if (!claim.ClaimantReportsStop)
        {
            Context.Watch(claimant);
        }

        _directory?.Tell(new IdentityHeldHere(claim.Identity, claim.InitialContact));
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

    private void Stopped(IActorRef sa)
    {
        Released(sa);
        if (_byActor.Remove(sa, out var identity) && _holders.TryGetValue(identity, out var holder) && holder.Equals(sa))
        {
            _holders.Remove(identity);
            _directory?.Tell(new IdentityLeftHere(identity));
        }
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
