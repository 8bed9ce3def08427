using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>
/// Proposal selection (RFC 7296 §2.7, §3.3.6). The responder walks the operator's proposals in order and takes the
/// first one that some proposal of the peer matches; within a transform type the operator's order decides too.
/// Transforms of one type are alternatives (OR), the types must all match (AND).
/// </summary>
public static class Proposals
{
    private static readonly TransformType[] KnownTypes =
    [
        TransformType.Encryption, TransformType.Prf, TransformType.Integrity, TransformType.KeyExchange,
        TransformType.ExtendedSequenceNumbers,
    ];

    /// <summary>
    /// The reply proposal: the peer's proposal number and protocol, exactly one transform of each type the peer
    /// proposed, no SPI (the caller sets its own). Null when nothing matches (NO_PROPOSAL_CHOSEN).
    /// <paramref name="preferredGroup"/> is the group of the peer's KE payload: when both sides accept it, it
    /// wins over the operator's order so that no INVALID_KE_PAYLOAD round trip is needed (RFC 7296 §1.2).
    /// <paramref name="ignoreKeyExchange"/> drops type 4 from both sides: the CHILD SA of IKE_AUTH has no KE
    /// (RFC 7296 §1.2), so a PFS group configured for rekeying must not make it fail.
    /// </summary>
    public static Proposal? Select(IReadOnlyList<Proposal> ours, IReadOnlyList<Proposal> peers, ushort preferredGroup = 0,
        bool ignoreKeyExchange = false)
    {
        foreach (Proposal our in ours)
        {
            foreach (Proposal peer in peers)
            {
                Proposal? reply = Match(our, peer, preferredGroup, ignoreKeyExchange);
                if (reply is not null)
                {
                    return reply;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Checks the responder's choice on the initiator side: exactly one proposal, one transform per type, and
    /// everything in it was offered by <paramref name="ours"/>. RFC 7296 §3.3.6: the responder MUST NOT accept a
    /// transform that was not proposed, so anything else is refused.
    /// </summary>
    public static bool IsAcceptableChoice(IReadOnlyList<Proposal> ours, IReadOnlyList<Proposal> chosen, bool ignoreKeyExchange = false)
    {
        if (chosen.Count != 1)
        {
            return false;
        }

        Proposal reply = chosen[0];
        foreach (TransformType type in KnownTypes)
        {
            if (reply.Transforms.Count(t => t.Type == type) > 1)
            {
                return false;
            }
        }

        Proposal? ourOfNumber = ours.FirstOrDefault(p => p.Number == reply.Number);
        return ourOfNumber is not null && Match(ourOfNumber, reply, 0, ignoreKeyExchange) is not null;
    }

    private static Proposal? Match(Proposal our, Proposal peer, ushort preferredGroup, bool ignoreKeyExchange)
    {
        if (our.Protocol != peer.Protocol)
        {
            return null;
        }

        foreach (Transform t in peer.Transforms)
        {
            // RFC 7296 §3.3.6: a proposal with a transform type or attribute we do not understand is rejected.
            if (t.HasUnknownAttributes || Array.IndexOf(KnownTypes, t.Type) < 0)
            {
                return null;
            }
        }

        var reply = new Proposal { Number = peer.Number, Protocol = peer.Protocol };
        foreach (TransformType type in KnownTypes)
        {
            if (ignoreKeyExchange && type == TransformType.KeyExchange)
            {
                continue;
            }

            List<Transform> ourSet = Of(our, type);
            List<Transform> peerSet = Of(peer, type);
            bool peerHadType = peerSet.Count > 0;
            if (ourSet.Count == 0 && peerSet.Count == 0)
            {
                continue;
            }

            // An absent integrity, KE or ESN type means "none" (RFC 7296 §3.3.3: e.g. an ESP proposal without
            // type 4 is a proposal without PFS); the PRF and encryption types have no "none".
            if (type is TransformType.Integrity or TransformType.KeyExchange or TransformType.ExtendedSequenceNumbers)
            {
                if (ourSet.Count == 0)
                {
                    ourSet.Add(new Transform(type, 0));
                }

                if (peerSet.Count == 0)
                {
                    peerSet.Add(new Transform(type, 0));
                }
            }

            Transform? picked = null;
            if (type == TransformType.KeyExchange && preferredGroup != 0)
            {
                var preferred = new Transform(type, preferredGroup);
                if (ourSet.Contains(preferred) && peerSet.Contains(preferred))
                {
                    picked = preferred;
                }
            }

            picked ??= ourSet.Cast<Transform?>().FirstOrDefault(t => peerSet.Contains(t!.Value));
            if (picked is null)
            {
                return null;
            }

            if (peerHadType)
            {
                reply.Transforms.Add(picked.Value);
            }
        }

        return reply;
    }

    private static List<Transform> Of(Proposal proposal, TransformType type)
    {
        var list = new List<Transform>(4);
        foreach (Transform t in proposal.Transforms)
        {
            if (t.Type == type)
            {
                list.Add(t);
            }
        }

        return list;
    }

    /// <summary>The transform of <paramref name="type"/> in a chosen proposal, or null.</summary>
    public static Transform? Get(Proposal proposal, TransformType type)
    {
        foreach (Transform t in proposal.Transforms)
        {
            if (t.Type == type)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>A copy with the same number, protocol and transforms, and <paramref name="spi"/>.</summary>
    public static Proposal WithSpi(Proposal proposal, ReadOnlyMemory<byte> spi)
    {
        var copy = new Proposal(proposal.Number, proposal.Protocol, spi);
        copy.Transforms.AddRange(proposal.Transforms);
        return copy;
    }

    /// <summary>The key exchange methods of <paramref name="proposals"/> in order, without duplicates.</summary>
    public static IReadOnlyList<ushort> Groups(IEnumerable<Proposal> proposals) =>
        proposals.SelectMany(p => p.Transforms).Where(t => t.Type == TransformType.KeyExchange && t.Id != 0)
            .Select(t => t.Id).Distinct().ToList();
}
