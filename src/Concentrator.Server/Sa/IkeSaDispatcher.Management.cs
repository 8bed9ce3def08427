using Concentrator.Server.Management;

namespace Concentrator.Server.Sa;

// The handshakes that ended without an IKE SA, by cause, for the management API's statistics.
public sealed partial class IkeSaDispatcher
{
    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);

    private void ReceiveManagement()
    {
        Receive<HandshakeFailed>(f =>
        {
            _failures[f.Cause] = _failures.GetValueOrDefault(f.Cause) + 1;
            _metrics?.Failures.Add(1, new KeyValuePair<string, object?>(Metrics.MetricTags.Cause, f.Cause));
        });
        Receive<GetHandshakeFailures>(_ => Sender.Tell(new Dictionary<string, long>(_failures, StringComparer.Ordinal), Self));
    }
}
