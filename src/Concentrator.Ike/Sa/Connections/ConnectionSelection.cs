using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Connections;

/// <summary>
/// Which connection serves a peer, as strongSwan's peer-config lookup does (ike_auth.c process_r →
/// backend_manager get_peer_cfgs): at IKE_SA_INIT only the IKE proposal is known, so the first connection (in the
/// operator's order) whose IKE proposals match is the provisional choice; at IKE_AUTH the peer's IDi, the IDr it
/// asked for and its AUTH method are known, and the candidates are ranked by how specifically they match. The
/// provisional choice is switched when another connection fits better or it does not fit at all.
/// </summary>
public static class ConnectionSelection
{
    /// <summary>IKE_SA_INIT: the first candidate whose IKE proposals match the peer's offer, with the proposal it
    /// chooses (RFC 7296 §3.3.6 selection for that connection), or null when none does.</summary>
    public static (ConnectionCandidate Candidate, Proposal Chosen)? ForIkeSaInit(
        IReadOnlyList<ConnectionCandidate> candidates, IReadOnlyList<Proposal> offered, ushort keGroup)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (ConnectionCandidate candidate in candidates)
        {
            if (Proposals.Select(candidate.Config.IkeProposals, offered, keGroup) is { } chosen)
            {
                return (candidate, chosen);
            }
        }

        return null;
    }

    /// <summary>
    /// IKE_AUTH: the best candidate for a peer presenting <paramref name="remote"/>, asking for
    /// <paramref name="requestedLocal"/> (IDr, when sent) and authenticating with <paramref name="method"/>, on an
    /// IKE SA that negotiated <paramref name="ikeProposal"/>; a null <paramref name="method"/> (no AUTH payload) asks for EAP, which
    /// only connections with <see cref="IkeSaConfig.RemoteEap"/> offer (RFC 7296 §2.16). Ranked like strongSwan: the IDi match (exact beats
    /// <c>*@domain</c>/<c>*.domain</c>, the longer suffix first, beats %any), then an IDr the peer named over one it
    /// left open, among those that verify the peer's AUTH method and hold a credential for it (given
    /// <paramref name="request"/>: whose CAs may anchor the certificates it carries); ties go to the operator's order. Returns null with the reason the closest candidate failed.
    /// </summary>
    public static ConnectionCandidate? ForIkeAuth(
        IReadOnlyList<ConnectionCandidate> candidates, IkeIdentity remote, IkeIdentity? requestedLocal, AuthMethod? method,
        Proposal? ikeProposal, out AuthFailure? failure, IkeMessage? request = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(remote);
        ConnectionCandidate? best = null;
        (int Remote, int Local) bestRank = (0, 0);
        // The reason reported when nothing fits: the furthest any candidate got (IDr, then IDi, then AUTH method).
        failure = candidates.Count == 0 ? AuthFailure.IdentityNotAllowed : AuthFailure.ResponderIdentityMismatch;
        foreach (ConnectionCandidate candidate in candidates)
        {
            IkeSaConfig config = candidate.Config;
            int local = requestedLocal is null ? 1 : config.LocalIdentity.Equals(requestedLocal) ? 2 : 0;
            if (local == 0)
            {
                continue;
            }

            int match = config.RemoteIdentity.Match(remote);
            if (match == 0)
            {
                failure = Worse(failure, AuthFailure.IdentityNotAllowed);
                continue;
            }

            Authenticators.IAuthenticator? verifier = method is { } m ? config.RemoteAuthenticators.FirstOrDefault(a => a.Accepts(m)) : null;
            if (method is null ? config.RemoteEap is null : verifier is null)
            {
                failure = Worse(failure, method is null ? AuthFailure.MissingAuth : AuthFailure.UnsupportedAuthMethod);
                continue;
            }

            // EAP secrets are looked up by the EAP identity during the conversation, not here.
            if (verifier?.Fit(request, config.LocalIdentity, remote) is { } unfit)
            {
                failure = Worse(failure, unfit);
                continue;
            }

            // The keys of the IKE SA were made with the proposal of IKE_SA_INIT: a connection that would not have
            // accepted it cannot take the SA over.
            if (ikeProposal is not null && Proposals.Select(config.IkeProposals, [ikeProposal]) is null)
            {
                failure = Worse(failure, AuthFailure.IkeProposalNotAllowed);
                continue;
            }

            if (best is null || match > bestRank.Remote || (match == bestRank.Remote && local > bestRank.Local))
            {
                best = candidate;
                bestRank = (match, local);
            }
        }

        if (best is not null)
        {
            failure = null;
        }

        return best;
    }

    private static AuthFailure Worse(AuthFailure? current, AuthFailure next) =>
        current is { } c && Depth(c) > Depth(next) ? c : next;

    private static int Depth(AuthFailure failure) => failure switch
    {
        AuthFailure.ResponderIdentityMismatch => 0,
        AuthFailure.IdentityNotAllowed => 1,
        AuthFailure.UnsupportedAuthMethod or AuthFailure.MissingAuth => 2,
        AuthFailure.UnknownIdentity => 3,
        AuthFailure.IkeProposalNotAllowed => 4,
        _ => 3, // the credential does not fit: no PSK, a certificate the connection's CAs cannot anchor

    };
}
