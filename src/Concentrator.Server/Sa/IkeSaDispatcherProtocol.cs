namespace Concentrator.Server.Sa;

/// <summary>Asks the dispatcher for <see cref="IkeSaDispatcherStats"/>.</summary>
public sealed record GetIkeSaDispatcherStats
{
    public static GetIkeSaDispatcherStats Instance { get; } = new();
}

/// <summary><paramref name="HalfOpen"/>: SAs past no IKE_AUTH yet (what decides cookies); <paramref name="Live"/>:
/// the IKE SA actors in the dispatcher's care (handshakes, and established SAs without a home to move to; the node's
/// ConcentratorNode.SaStatsAsync adds the established SAs under the interface actors); <paramref name="Created"/>:
/// started since start.</summary>
public sealed record IkeSaDispatcherStats(int HalfOpen, int Live, long Created)
{
    /// <summary>New IKE_SA_INITs ignored while admission was closed (a cluster node not Up, or leaving).</summary>
    public long NotAdmitted { get; init; }

    /// <summary>New IKE_SA_INITs answered with REDIRECT (RFC 5685) to another cluster node.</summary>
    public long Redirected { get; init; }
}

/// <summary>A cluster node opens admission of new IKE SAs once it is Up with its pool blocks and closes it when it
/// leaves or is downed: while closed, a new IKE_SA_INIT is ignored (no answer, no state) so the client's
/// retransmission or its next gateway address goes to a node that serves. SAs already there are not touched.</summary>
public sealed record SetAdmission(bool Open, string Reason);

/// <summary>Shutdown, to the dispatcher and to every interface actor: every live IKE SA in its care is told to delete itself (established ones send an INFORMATIONAL Delete to
/// their peer, RFC 7296 §1.4.1, so clients learn at once instead of by DPD); answered with <see cref="AllIkeSasEnded"/>
/// once none is left.</summary>
public sealed record DeleteAllIkeSas(string Reason);

/// <summary><paramref name="Deleted"/>: how many IKE SAs were live when <see cref="DeleteAllIkeSas"/> arrived.</summary>
public sealed record AllIkeSasEnded(int Deleted);

/// <summary>A reload: the connections (in <see cref="IkeSaEnvironment.Services"/>) and the provisional config every
/// IKE SA admitted from now on starts with; handshakes already running keep theirs. Answered with
/// <see cref="ConnectionsReplaced"/>.</summary>
public sealed record ReplaceConnections(Concentrator.Ike.Sa.IkeSaConfig Config, IkeSaEnvironment Environment);

public sealed record ConnectionsReplaced
{
    public static ConnectionsReplaced Instance { get; } = new();
}

/// <summary>From the cluster's load actor: a new IKE_SA_INIT whose initiator follows redirects (REDIRECT_SUPPORTED, no
/// REDIRECTED_FROM) is answered with REDIRECT to <paramref name="Target"/> (RFC 5685 §3) instead of being served here;
/// null serves every client here again. With <see cref="InIkeAuth"/> the client is served up to IKE_AUTH instead, which
/// authenticates it and answers with REDIRECT in place of a CHILD SA (RFC 5685 §6, <c>cluster.redirect.in = ike-auth</c>).</summary>
public sealed record SetRedirect(System.Net.IPAddress? Target, string Reason)
{
    public bool InIkeAuth { get; init; }
}
