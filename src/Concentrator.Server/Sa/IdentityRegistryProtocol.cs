using Akka.Actor;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

/// <summary>Sent by an IKE SA actor once its peer authenticated as <paramref name="Identity"/>. The SA that held
/// the identity before gets <see cref="DeleteIkeSa"/>: silently when the new SA carried INITIAL_CONTACT (RFC 7296
/// §2.4: the peer lost the old one), else with a Delete sent to the peer. Not answered.</summary>
public sealed record ClaimIdentity(IkeIdentity Identity, bool InitialContact);

/// <summary>Asks which SA actor holds <paramref name="Identity"/>; answered with <see cref="IdentityHolder"/>.</summary>
public sealed record GetIdentityHolder(IkeIdentity Identity);

public sealed record IdentityHolder(IkeIdentity Identity, IActorRef? Sa);
