using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>
/// <see cref="ITlsEndpoint"/> over BouncyCastle's non-blocking TLS (<see cref="TlsProtocol.OfferInput(byte[])"/> /
/// <see cref="TlsProtocol.ReadOutput"/>): the BCL's SslStream cannot export the EAP key material (RFC 5216 §2.3).
/// Inside EAP-TLS with TLS 1.3 the server ends its side with the commitment message, one application-data octet
/// 0x00 (RFC 9190 §2.1.1), and the client counts as established only once it has it.
/// </summary>
public sealed class BcTlsEndpoint : ITlsEndpoint
{
    private readonly TlsProtocol _protocol;
    private readonly IEapTlsPeer _peer;
    private readonly bool _server;
    private bool _committed;

    private BcTlsEndpoint(TlsProtocol protocol, IEapTlsPeer peer, bool server)
    {
        _protocol = protocol;
        _peer = peer;
        _server = server;
    }

    /// <summary>A server waiting for the peer's ClientHello.</summary>
    public static BcTlsEndpoint Server(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var peer = new EapTlsServerPeer(new BcTlsCrypto(new SecureRandom()), options);
        var protocol = new TlsServerProtocol();
        protocol.Accept(peer);
        return new BcTlsEndpoint(protocol, peer, server: true);
    }

    /// <summary>A client whose ClientHello is already in <see cref="TakeOutput"/>.</summary>
    public static BcTlsEndpoint Client(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var peer = new EapTlsClientPeer(new BcTlsCrypto(new SecureRandom()), options);
        var protocol = new TlsClientProtocol();
        protocol.Connect(peer);
        return new BcTlsEndpoint(protocol, peer, server: false);
    }

    public bool IsEstablished { get; private set; }

    public string? Failure { get; private set; }

    public byte[]? Msk => IsEstablished ? _peer.Msk : null;

    public string? Version => _peer.Context.ServerVersion is { } v ? EapTlsKeys.Name(v) : null;

    public IReadOnlyList<X509Certificate2> PeerChain => _peer.PeerChain;

    public bool Offer(ReadOnlySpan<byte> records)
    {
        if (Failure is not null)
        {
            return false;
        }

        try
        {
            _protocol.OfferInput(records.ToArray());
            Advance();
            return true;
        }
        catch (IOException e)
        {
            // TlsFatalAlert and the alerts the peer sent are IOExceptions; BouncyCastle has queued our alert, if any.
            Failure = _peer.Refusal ?? (e.InnerException is { } cause ? $"{e.Message}: {cause.GetType().Name}: {cause.Message}" : e.Message);
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or Org.BouncyCastle.Crypto.CryptoException)
        {
            Failure = _peer.Refusal ?? $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    public byte[] TakeOutput()
    {
        int available = _protocol.GetAvailableOutputBytes();
        if (available == 0)
        {
            return [];
        }

        var output = new byte[available];
        _ = _protocol.ReadOutput(output, 0, available);
        return output;
    }

    private void Advance()
    {
        if (!_protocol.IsConnected || IsEstablished)
        {
            return;
        }

        bool tls13 = TlsUtilities.IsTlsV13(_peer.Context.ServerVersion);
        if (!tls13)
        {
            IsEstablished = _peer.Msk is not null;
            return;
        }

        if (_server)
        {
            if (!_committed)
            {
                // RFC 9190 §2.1.1: "the EAP-TLS server commits to not send any more handshake messages by sending a
                // Commitment Message (a TLS record with the application data 0x00)".
                _protocol.WriteApplicationData([0x00], 0, 1);
                _committed = true;
            }

            IsEstablished = _peer.Msk is not null;
            return;
        }

        int pending = _protocol.GetAvailableInputBytes();
        if (pending > 0)
        {
            var data = new byte[pending];
            _ = _protocol.ReadInput(data, 0, pending);
            if (data.Length == 1 && data[0] == 0x00 && _peer.Msk is not null)
            {
                IsEstablished = true;
            }
            else
            {
                Failure = $"{data.Length} octets of application data instead of the commitment message 0x00";
            }
        }
    }
}
