using System.Buffers.Binary;
using System.Security.Cryptography;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Sa.Connections;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// IKE_SA_INIT (RFC 7296 §1.2): SA, KE, Nonce, NAT detection (§2.23), SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4),
/// IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 §2.3); the responder's COOKIE (§2.6), INVALID_KE_PAYLOAD (§1.3) and
/// NO_PROPOSAL_CHOSEN answers and the initiator's retries; SKEYSEED and SK_* at the end (§2.14).
/// </summary>
public sealed class IkeInitTask : IkeTask
{
    /// <summary>RFC 7427 §7: SHA2-256, SHA2-384, SHA2-512; RFC 8420 §2: Identity (Ed25519).</summary>
    private static readonly byte[] SignatureHashes = [0, 2, 0, 3, 0, 4, 0, 5];

    /// <summary>How many COOKIE / INVALID_KE_PAYLOAD rounds the initiator follows before giving up, so that a
    /// misbehaving responder cannot keep it looping.</summary>
    private const int MaxRetries = 3;

    private KeyExchangeId _group;
    private IKeyExchange? _ke;
    private byte[]? _sharedSecret;
    private ReadOnlyMemory<byte> _cookie;
    private int _retries;
    private Proposal? _chosen;
    private NotifyType? _error;
    private byte[] _errorData = [];
    private bool _peerFragmentation;
    private bool _peerSignatureHashes;

    public IkeInitTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.IkeSaInit;

    /// <summary>The group of the KE payload the initiator sends (after INVALID_KE_PAYLOAD: the one asked for).</summary>
    public KeyExchangeId Group => _group;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        if (_group == KeyExchangeId.None)
        {
            IReadOnlyList<ushort> groups = Proposals.Groups(Sa.Config.IkeProposals);
            _group = groups.Count > 0 ? (KeyExchangeId)groups[0] : throw new InvalidOperationException("no key exchange method configured");
            Sa.NonceI = Sa.NewNonce();
        }

        _ke ??= Sa.Services.KeyExchangeFactory(_group);
        if (!_cookie.IsEmpty)
        {
            // RFC 7296 §2.6: the repeated request carries the COOKIE as its first payload.
            request.Payloads.Add(new NotifyPayload(NotifyType.Cookie, _cookie));
        }

        request.Payloads.Add(new SaPayload([.. Sa.Config.IkeProposals]));
        request.Payloads.Add(new KePayload((ushort)_group, _ke.PublicKey.ToArray()));
        request.Payloads.Add(new NoncePayload(Sa.NonceI));
        AddCommonNotifies(request, Sa.InitiatorSpi, 0, always: true);
        if (Sa.Config.AnnounceRedirectSupport)
        {
            request.Payloads.Add(new NotifyPayload(NotifyType.RedirectSupported));
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        SaPayload sa = request.Get<SaPayload>()!;
        KePayload ke = request.Get<KePayload>()!;
        Sa.NonceI = request.Get<NoncePayload>()!.Data.ToArray();
        Sa.PeerFollowsRedirects = RedirectResponse.MayRedirect(request);

        if (Sa.Services.Connections.Count > 0)
        {
            // Only the IKE proposal is known yet: the first connection (in the operator's order) that accepts the
            // offer is the provisional choice, which IKE_AUTH may switch (Connections/ConnectionSelection.cs).
            if (ConnectionSelection.ForIkeSaInit(Sa.Services.Connections, sa.Proposals, ke.Group) is { } first)
            {
                Sa.UseConnection(first.Candidate);
            }
        }

        _chosen = Proposals.Select(Sa.Config.IkeProposals, sa.Proposals, ke.Group);
        IkeAlgorithms? algorithms = _chosen is null ? null : IkeAlgorithms.From(_chosen);
        if (algorithms is null)
        {
            return Error(NotifyType.NoProposalChosen, []);
        }

        if ((ushort)algorithms.Group != ke.Group)
        {
            // RFC 7296 §1.3: the KE payload's group is not the selected one; name the group we want.
            var data = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)algorithms.Group);
            return Error(NotifyType.InvalidKePayload, data);
        }

        ReadPeerNotifies(request);
        (Sa.RemoteBehindNat, Sa.LocalBehindNat) = NatDetection.Check(request, Sa.InitiatorSpi, 0, Sa.LocalEndpoint, Sa.RemoteEndpoint);
        _group = algorithms.Group;
        _ke = Sa.Services.KeyExchangeFactory(_group);
        _sharedSecret = _ke.DeriveSharedSecret(ke.Data.Span);
        Sa.NonceR = Sa.NewNonce();
        Sa.IkeProposal = _chosen;
        Sa.Algorithms = algorithms;
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (_error is { } error)
        {
            Sa.Fail(error);
            return ErrorResponse(response, error, _errorData);
        }

        response.Payloads.Add(new SaPayload(_chosen!));
        response.Payloads.Add(new KePayload((ushort)_group, _ke!.PublicKey.ToArray()));
        response.Payloads.Add(new NoncePayload(Sa.NonceR));
        AddCommonNotifies(response, Sa.InitiatorSpi, Sa.ResponderSpi, always: false);
        response.Payloads.AddRange(CertificateRequests.ForResponder(Sa));
        DeriveKeys();
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        if (response.GetNotify(NotifyType.Cookie) is { } cookie && _retries++ < MaxRetries)
        {
            _cookie = cookie.Data.ToArray();
            return IkeTaskStatus.NeedMore;
        }

        if (response.GetNotify(NotifyType.InvalidKePayload) is { Data.Length: 2 } invalidKe && _retries++ < MaxRetries)
        {
            var wanted = (KeyExchangeId)BinaryPrimitives.ReadUInt16BigEndian(invalidKe.Data.Span);
            // RFC 7296 §1.3: retry with the group the responder names, if it is one we proposed.
            if (wanted != _group && Proposals.Groups(Sa.Config.IkeProposals).Contains((ushort)wanted))
            {
                _group = wanted;
                _ke?.Dispose();
                _ke = null;
                return IkeTaskStatus.NeedMore;
            }

            return Failed(NotifyType.InvalidKePayload);
        }

        foreach (NotifyPayload notify in response.GetAll<NotifyPayload>())
        {
            if (notify.IsError)
            {
                return Failed(notify.NotifyType);
            }
        }

        SaPayload? sa = response.Get<SaPayload>();
        KePayload? ke = response.Get<KePayload>();
        NoncePayload? nonce = response.Get<NoncePayload>();
        if (sa is null || ke is null || nonce is null || response.ResponderSpi == 0
            || !Proposals.IsAcceptableChoice(Sa.Config.IkeProposals, sa.Proposals))
        {
            return Failed(NotifyType.NoProposalChosen);
        }

        IkeAlgorithms? algorithms = IkeAlgorithms.From(sa.Proposals[0]);
        if (algorithms is null || algorithms.Group != _group || ke.Group != (ushort)_group)
        {
            return Failed(NotifyType.InvalidKePayload);
        }

        Sa.ResponderSpi = response.ResponderSpi;
        Sa.NonceR = nonce.Data.ToArray();
        Sa.IkeProposal = sa.Proposals[0];
        Sa.Algorithms = algorithms;
        ReadPeerNotifies(response);
        Sa.PeerCaHashes = CertificateRequests.Read(response);
        (Sa.RemoteBehindNat, Sa.LocalBehindNat) =
            NatDetection.Check(response, Sa.InitiatorSpi, Sa.ResponderSpi, Sa.LocalEndpoint, Sa.RemoteEndpoint);
        _sharedSecret = _ke!.DeriveSharedSecret(ke.Data.Span);
        DeriveKeys();
        return IkeTaskStatus.Success;
    }

    private IkeTaskStatus Error(NotifyType type, byte[] data)
    {
        _error = type;
        _errorData = data;
        return IkeTaskStatus.Failed;
    }

    private IkeTaskStatus Failed(NotifyType type)
    {
        Sa.Fail(type);
        _ke?.Dispose();
        return IkeTaskStatus.Failed;
    }

    private void ReadPeerNotifies(IkeMessage message)
    {
        _peerFragmentation = message.GetNotify(NotifyType.Ikev2FragmentationSupported) is not null;
        Sa.PeerSupportsFragmentation = _peerFragmentation;
        if (message.GetNotify(NotifyType.SignatureHashAlgorithms) is { } hashes)
        {
            _peerSignatureHashes = true;
            var list = new List<ushort>(hashes.Data.Length / 2);
            for (int i = 0; i + 1 < hashes.Data.Length; i += 2)
            {
                list.Add(BinaryPrimitives.ReadUInt16BigEndian(hashes.Data.Span[i..]));
            }

            Sa.PeerSignatureHashes = list;
        }
    }

    /// <summary>NAT detection always; fragmentation and signature hashes from the initiator always, from the
    /// responder only when the initiator sent them (RFC 7383 §2.3, RFC 7427 §4).</summary>
    private void AddCommonNotifies(IkeMessage message, ulong spiI, ulong spiR, bool always)
    {
        message.Payloads.AddRange(NatDetection.Build(spiI, spiR, Sa.LocalEndpoint, Sa.RemoteEndpoint));
        if (always || _peerFragmentation)
        {
            message.Payloads.Add(new NotifyPayload(NotifyType.Ikev2FragmentationSupported));
        }

        if (always || _peerSignatureHashes)
        {
            message.Payloads.Add(new NotifyPayload(NotifyType.SignatureHashAlgorithms, SignatureHashes));
        }
    }

    private void DeriveKeys()
    {
        IkeAlgorithms algorithms = Sa.Algorithms!;
        try
        {
            Sa.Keymat = IkeKeymat.Derive(algorithms.Prf, algorithms.Encryption, algorithms.Integrity, _sharedSecret,
                Sa.NonceI.Span, Sa.NonceR.Span, Sa.InitiatorSpi, Sa.ResponderSpi);
            Sa.Ciphers = Sa.Keymat.CreateSkCiphers(Sa.IsInitiator, Sa.Services.Random);
            Sa.State = IkeSaState.Connecting;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_sharedSecret);
            _ke?.Dispose();
            _ke = null;
        }
    }
}
