using Concentrator.Ike.Sa;
using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Sa;

// The two summary lines of an IKE SA (IkeSaLog 4003/4004): written by the actor its established life runs in, when
// the session says it is established and when that actor stops (however the SA ended: the peer's Delete, DPD, the
// lifetime, a replacement, the shutdown).
public sealed partial class IkeSaActor
{
    private DateTimeOffset? _establishedAt;

    /// <summary>The CHILD SAs' algorithms when established (they are out of the kernel and gone when the actor stops).</summary>
    private string _espAlgorithms = "none";

    private void LogEstablished()
    {
        _establishedAt = Sa.Services.Time.GetUtcNow();
        _env.Metrics?.SetupDuration.Record((_establishedAt.Value - Sa.CreatedAt).TotalSeconds);
        _espAlgorithms = Sa.ChildSas.Count == 0 ? "none" : SharedText(string.Join(", ", Sa.ChildSas.Select(c => c.Algorithms.ToString()).Distinct()));
        RegisterWithHome();
        if (_log.IsEnabled(LogLevel.Information))
        {
            _log.SaEstablished(Identity, Sa.RemoteEndpoint.ToString(), VirtualIp, _env.Connection, InterfaceName, IkeAlgorithms, _espAlgorithms);
        }
    }

    private void LogEnded()
    {
        if (_establishedAt is not null && _env.Metrics is { } metrics
            && Radius.AccountingRecords.Cause(Sa.State, _deletedByNode) == Radius.TerminateCause.LostCarrier)
        {
            // Neither a Delete exchange nor the node ended it: the peer stopped answering (RFC 7296 §2.4).
            metrics.DeadPeer();
        }

        if (_establishedAt is not { } since || !_log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // The bytes: what the CHILD SAs read before their removal carried (a stop the session asked for waited for
        // those reads, and read the CHILD SAs still installed; see StopWhenRead).
        var reason = Sa.FailureReason ?? Sa.FailureNotify?.ToString() ?? (Sa.State == IkeSaState.Established ? "its actor stopped" : "deleted");
        var traffic = _retired;
        _log.SaDeleted(Identity, Sa.RemoteEndpoint.ToString(), VirtualIp, _env.Connection, InterfaceName, IkeAlgorithms, _espAlgorithms,
            (Sa.Services.Time.GetUtcNow() - since).TotalSeconds, reason, traffic.BytesIn, traffic.PacketsIn, traffic.BytesOut, traffic.PacketsOut);
    }

    private string Identity => Sa.RemoteIdentity?.ToString() ?? "(none)";

    private string VirtualIp => Sa.VirtualIps.Count == 0 ? "none" : string.Join(", ", Sa.VirtualIps);

    /// <summary>ipsecN, or policy-based: the actor the SA lives under.</summary>
    private string InterfaceName => (_env.Home ?? Context.Parent).Path.Name;

    private string IkeAlgorithms => Sa.Algorithms?.ToString() ?? "none";
}
