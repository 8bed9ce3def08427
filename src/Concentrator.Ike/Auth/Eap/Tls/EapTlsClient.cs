using Concentrator.Ike.Crypto.Tls;

namespace Concentrator.Ike.Auth.Eap.Tls;

/// <summary>
/// EAP-TLS as peer (the load generator's and the tests' initiator): answers Start with the ClientHello, acknowledges
/// the server's fragments, sends its own flights in fragments the server acknowledges (RFC 5216 §2.1.5), and
/// acknowledges the server's last flight; the MSK is known once TLS is established (RFC 5216 §2.3, RFC 9190 §2.3).
/// </summary>
public sealed class EapTlsClient : IEapClient
{
    private readonly Func<ITlsEndpoint> _create;
    private readonly EapTlsReassembly _incoming;
    private readonly EapTlsFragmenter _outgoing;
    private ITlsEndpoint? _tls;

    /// <param name="options">Our certificate and key, and the check of the server's chain.</param>
    public EapTlsClient(TlsOptions options, int fragmentSize = EapTlsSettings.DefaultFragmentSize, int maxMessage = EapTlsSettings.DefaultMaxMessageSize)
        : this(() => BcTlsEndpoint.Client(options), fragmentSize, maxMessage)
    {
    }

    public EapTlsClient(Func<ITlsEndpoint> create, int fragmentSize, int maxMessage)
    {
        _create = create;
        _incoming = new EapTlsReassembly(maxMessage);
        _outgoing = new EapTlsFragmenter(fragmentSize);
    }

    public EapType Type => EapType.Tls;

    /// <summary>RFC 5998 §4: EAP-TLS authenticates the server (its certificate, checked by our TLS options).</summary>
    public bool IsMutual => true;

    public byte[]? Msk => _tls is { IsEstablished: true } tls ? tls.Msk : null;

    /// <summary>Why TLS failed, or null.</summary>
    public string? Failure => _tls?.Failure;

    public string? Version => _tls?.Version;

    public EapPacket? Process(EapPacket request)
    {
        if (request.Type != EapType.Tls || !EapTlsFrame.TryParse(request.Data, out EapTlsFrame frame, out _))
        {
            return null;
        }

        if (frame.Flags.HasFlag(EapTlsFlags.Start))
        {
            _tls = _create();
            return Send(request, _tls.TakeOutput());
        }

        if (_tls is null)
        {
            return null;
        }

        if (_outgoing.Pending)
        {
            return frame.IsAck ? Answer(request, _outgoing.Next()) : null;
        }

        if (!_incoming.TryAdd(frame, out byte[]? message, out _))
        {
            return null;
        }

        if (message is null)
        {
            return Answer(request, EapTlsFrame.Ack.Encode());
        }

        // A refusal still sends our alert when TLS made one; the server then ends with EAP-Failure.
        _ = _tls.Offer(message);
        return Send(request, _tls.TakeOutput());
    }

    private EapPacket Send(EapPacket request, byte[] output)
    {
        if (output.Length == 0)
        {
            // RFC 5216 §2.1.1: the peer acknowledges the server's last flight with an empty EAP-TLS response.
            return Answer(request, EapTlsFrame.Ack.Encode());
        }

        _outgoing.Start(output);
        return Answer(request, _outgoing.Next());
    }

    private static EapPacket Answer(EapPacket request, byte[] typeData) => EapPacket.Response(request.Identifier, EapType.Tls, typeData);
}
