using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Tls;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Auth.Eap.Tls;

/// <summary>
/// EAP-TLS as authenticator (RFC 5216; TLS 1.3 per RFC 9190): Start → the peer's ClientHello → our flight → … →
/// the peer's ACK of our last flight → EAP-Success with the MSK from the TLS key material (§2.3). Messages larger
/// than the fragment size go out in fragments the peer acknowledges, the peer's come in fragments we acknowledge
/// (§2.1.5). The peer's certificate is judged by the connection's <see cref="TrustPolicy"/> (the same check as IKE
/// certificates) and must name the EAP identity (IDi or the EAP-Identity answer), as strongSwan binds it.
/// </summary>
public sealed class EapTlsServer : IEapServer, IRevocationWaiter
{
    private readonly EapTlsSettings _settings;
    private readonly EapTlsReassembly _incoming;
    private readonly EapTlsFragmenter _outgoing;
    private ITlsEndpoint? _tls;
    private string _identity = "";
    private byte _identifier;
    private const int MaxWaits = 3;
    private RevocationCache? _online;
    private byte[][]? _peerChain;
    private IReadOnlyList<RevocationFetch>? _fetches;
    private EapStep? _held;
    private int _waits;

    public EapTlsServer(EapTlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _incoming = new EapTlsReassembly(settings.MaxMessageSize);
        _outgoing = new EapTlsFragmenter(settings.FragmentSize);
    }

    /// <summary>The negotiated TLS version, once known (for the log and the tests).</summary>
    public string? Version => _tls?.Version;

    /// <summary>RFC 5998 §4 lists EAP-TLS among the safe methods: the client checks our certificate in TLS.</summary>
    public bool IsMutual => true;

    public EapStep Start(string identity, byte identifier)
    {
        _identity = identity;
        _identifier = identifier;
        _tls = _settings.CreateEndpoint(new TlsOptions(_settings.Credential, CheckPeer)
        {
            MinVersion = _settings.MinVersion,
            MaxVersion = _settings.MaxVersion,
        });
        // RFC 5216 §2.1.1: the conversation starts with an EAP-TLS/Start request (S bit, no data).
        return Request(new EapTlsFrame(EapTlsFlags.Start, null, ReadOnlyMemory<byte>.Empty).Encode());
    }

    /// <summary>Checks the client's certificate online too (the node's cache, the connection's remote.revocation), as
    /// the pubkey path does: what the cache lacks holds the EAP round (<see cref="EapStep.Pending"/> of a
    /// <see cref="RevocationFetchRequest"/>) until <see cref="RevocationFetched"/>.</summary>
    public void UseRevocation(RevocationCache cache) => _online = cache;

    /// <summary>The fetches the held round waited for are in the cache: the client's chain is judged again and the
    /// held step (the TLS flight that follows its certificate) goes out, or the conversation fails.</summary>
    public EapStep RevocationFetched()
    {
        if (_held is not { } held || _peerChain is null)
        {
            return new EapStep.Failure("revocation information came while no EAP-TLS round waited for it");
        }

        X509Certificate2[] chain = [.. _peerChain.Select(X509CertificateLoader.LoadCertificate)];
        try
        {
            _fetches = null;
            if (CheckPeer(chain) is { } refused)
            {
                _held = null;
                return new EapStep.Failure($"TLS: the client certificate is refused: {refused}");
            }

            if (_fetches is { } more)
            {
                return new EapStep.Pending(new RevocationFetchRequest(more));
            }

            _held = null;
            return held;
        }
        finally
        {
            foreach (X509Certificate2 certificate in chain)
            {
                certificate.Dispose();
            }
        }
    }

    public EapStep Process(EapPacket response)
    {
        EapStep step = ProcessTls(response);
        if (_fetches is { } fetches && step is not EapStep.Failure)
        {
            // The TLS engine went on past the client's certificate; what it answers waits for the revocation verdict.
            _held = step;
            return new EapStep.Pending(new RevocationFetchRequest(fetches));
        }

        return step;
    }

    private EapStep ProcessTls(EapPacket response)
    {
        if (response.Type != EapType.Tls)
        {
            return new EapStep.Failure($"not an EAP-TLS response (type {(byte)response.Type})");
        }

        if (!EapTlsFrame.TryParse(response.Data, out EapTlsFrame frame, out string? problem))
        {
            return new EapStep.Discard(problem!);
        }

        if (_outgoing.Pending)
        {
            // RFC 5216 §2.1.5: each fragment we send is acknowledged before the next goes out.
            return frame.IsAck ? Request(_outgoing.Next()) : new EapStep.Failure("EAP-TLS data where the ACK of our fragment was expected");
        }

        if (frame.IsAck && !_incoming.InProgress)
        {
            // The peer acknowledged our last flight: the handshake is over (or the peer stopped answering TLS).
            return _tls!.IsEstablished && _tls.Msk is { } msk
                ? new EapStep.Success(msk, _identity)
                : new EapStep.Failure("EAP-TLS ACK while the TLS handshake expects the peer's records");
        }

        if (!_incoming.TryAdd(frame, out byte[]? message, out problem))
        {
            return new EapStep.Discard(problem!);
        }

        if (message is null)
        {
            return Request(EapTlsFrame.Ack.Encode());
        }

        if (!_tls!.Offer(message))
        {
            // RFC 5216 §2.1.3 has the server send its TLS alert in a request before EAP-Failure ("SHOULD"); inside IKE
            // the peer answers an alert by ending the exchange (strongSwan sends AUTHENTICATION_FAILED in an
            // INFORMATIONAL), so the conversation would end without the gateway logging why. EAP-Failure at once
            // ends it here, with the reason.
            return new EapStep.Failure($"TLS: {_tls.Failure}");
        }

        byte[] output = _tls.TakeOutput();
        if (output.Length > 0)
        {
            _outgoing.Start(output);
            return Request(_outgoing.Next());
        }

        return _tls.IsEstablished && _tls.Msk is { } key
            ? new EapStep.Success(key, _identity)
            : new EapStep.Failure("the TLS handshake stalled: the peer's records produced no answer");
    }

    private string? CheckPeer(IReadOnlyList<X509Certificate2> chain)
    {
        ChainVerdict verdict = ChainValidator.Validate(_settings.Trust, chain[0], [.. chain.Skip(1)], _settings.Time.GetUtcNow(),
            _online, mayFetch: _waits < MaxWaits);
        if (verdict.Fetches.Count > 0)
        {
            // Provisionally accepted: the round is held until the fetches are in, then judged again (RevocationFetched).
            _waits++;
            _fetches = verdict.Fetches;
            _peerChain = [.. chain.Select(c => c.RawData)];
        }
        else if (!verdict.IsOk)
        {
            return $"{verdict.Failure}: {verdict.Detail}";
        }

        // strongSwan's eap-tls binds the peer's identity (its EAP identity, by default IDi) to the certificate.
        IkeIdentity identity = IkeIdentity.Parse(_identity);
        return IdentityBinding.Binds(chain[0], identity)
            ? null
            : $"the certificate '{ChainValidator.Name(chain[0])}' does not name the EAP identity '{EapMsChapV2Server.Printable(_identity)}'";
    }

    private EapStep.Request Request(byte[] typeData) =>
        new(EapPacket.Request(_identifier++, EapType.Tls, typeData).Encode());
}
