using Akka.Actor;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

/// <summary>Sent by an IKE SA actor once its peer authenticated as <paramref name="Identity"/>, before its CHILD SAs
/// go into the kernel. The SA that held the identity before gets <see cref="DeleteIkeSa"/>: silently when the new SA
/// carried INITIAL_CONTACT (RFC 7296 §2.4: the peer lost the old one), else with a Delete sent to the peer. Answered
/// with <see cref="IdentityGranted"/> once the older SA's CHILD SAs have left the kernel (it answered
/// <see cref="IkeSaReleased"/> or stopped), so the newer SA can install the same selectors (the same virtual IP).</summary>
public sealed record ClaimIdentity(IkeIdentity Identity, bool InitialContact)
{
    /// <summary>The claimant sends <see cref="IdentityHolderStopped"/> when it stops (an IKE SA actor does, from
    /// PostStop), so the registry does not watch it (Akka's death-watch state per watched actor, issue 13).</summary>
    public bool ClaimantReportsStop { get; init; }
}

/// <summary>From a claimant that set <see cref="ClaimIdentity.ClaimantReportsStop"/>, as it stops: what its
/// <c>Terminated</c> would have said.</summary>
public sealed record IdentityHolderStopped
{
    public static IdentityHolderStopped Instance { get; } = new();
}

/// <summary>The claimant now holds <paramref name="Identity"/> and no older SA of it has state in the kernel.</summary>
public sealed record IdentityGranted(IkeIdentity Identity);

/// <summary>An IKE SA told to delete itself answers this once its CHILD SAs' removal is on its way to the kernel
/// actor (which runs commands for the same selectors in arrival order).</summary>
public sealed record IkeSaReleased
{
    public static IkeSaReleased Instance { get; } = new();
}

/// <summary>Asks which SA actor holds <paramref name="Identity"/>; answered with <see cref="IdentityHolder"/>.</summary>
public sealed record GetIdentityHolder(IkeIdentity Identity);

public sealed record IdentityHolder(IkeIdentity Identity, IActorRef? Sa);

/// <summary>To the cluster's identity directory (when clustering is on): this node's registry granted
/// <paramref name="Identity"/> to one of its SAs, so an older SA of it on another node must go.</summary>
public sealed record IdentityHeldHere(IkeIdentity Identity, bool InitialContact);

/// <summary>To the cluster's identity directory: the SA that held <paramref name="Identity"/> here ended without being
/// replaced (its entry, if it still names this node, is removed).</summary>
public sealed record IdentityLeftHere(IkeIdentity Identity);

/// <summary>From the cluster's identity directory: <paramref name="Identity"/>, held here, was claimed later on
/// <paramref name="Node"/>; the local SA is deleted (silently when that claim carried INITIAL_CONTACT).</summary>
public sealed record IdentityClaimedElsewhere(IkeIdentity Identity, string Node, bool InitialContact);
