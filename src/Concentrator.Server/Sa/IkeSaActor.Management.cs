using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Management;

namespace Concentrator.Server.Sa;

// What the management API sees of an IKE SA: the summary its home keeps for listings and filters (sent once, when
// established), the full detail asked of the actor itself, and the cause told to the dispatcher when a handshake
// ends without an SA.
public sealed partial class IkeSaActor
{
    // The summary the home keeps for each of a hundred thousand SAs (issue 13): the identity's own text (the lease
    // keeps the same string), the local endpoint's text shared by all SAs on it, the virtual IPs in an array.
    private SaSummary Summary() => new(
        Self.Path.Name,
        _env.Connection,
        InterfaceName,
        Sa.RemoteIdentity?.ToString(),
        Sa.RemoteEndpoint.ToString(),
        SharedText(Sa.LocalEndpoint.ToString()),
        Sa.VirtualIps.Select(v => v.ToString()).ToArray(),
        _establishedAt ?? Sa.CreatedAt);

    /// <summary>One instance of a text many SAs keep and few values take (local endpoints, algorithm names).</summary>
    private static string SharedText(string text) => SharedTexts.GetOrAdd(text, text);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SharedTexts = new(StringComparer.Ordinal);

    private SaDetail Detail() => new(
        Summary(),
        Sa.State.ToString(),
        $"{Sa.InitiatorSpi:x16}",
        $"{Sa.ResponderSpi:x16}",
        IkeAlgorithms,
        Sa.NatDetected,
        Sa.ChildSas.Select(c => new ChildSaInfo(
            $"{c.InboundSpi:x8}",
            $"{c.OutboundSpi:x8}",
            c.Algorithms.ToString(),
            c.LocalSelectors.Select(s => s.ToString()).ToList(),
            c.RemoteSelectors.Select(s => s.ToString()).ToList(),
            c.UdpEncapsulation,
            c.CreatedAt)).ToList());

    /// <summary>Registers with the interface actor this SA lives under (not with a dispatcher it ran its handshake in).</summary>
    private void RegisterWithHome()
    {
        if (_env.Home is { } home && Context.Parent.Equals(home))
        {
            home.Tell(new SaRegistered(Summary()));
        }
    }

    private void ReportFailure()
    {
        if (_establishedAt is null)
        {
            // Created: an initiator whose IKE_SA_INIT was never answered (a responder leaves Created with its first answer).
            _env.Observer?.Tell(new HandshakeFailed(Sa.FailureNotify?.ToString()
                ?? (Sa.State is IkeSaState.Connecting or IkeSaState.Created ? "Timeout" : "NoNotify")));
        }
    }
}
