using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Sa;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// The crypto floor of issue 6 against the whole responder, in one run, single thread.
/// <para><see cref="CryptoFloor"/> (baseline) is exactly the responder's cryptography of one handshake with
/// AES-GCM-16-256 / PRF-HMAC-SHA2-256 / X25519 / PSK, through the same Concentrator.Ike classes: nonce from the
/// CSPRNG, X25519 keygen and agreement, SKEYSEED and the seven keys, the SK ciphers of both directions, opening the
/// IKE_AUTH request, checking the initiator's AUTH and making ours (each a MACed ID plus two PRF calls), the CHILD
/// SA's KEYMAT, sealing the IKE_AUTH response. The octet counts are those of the real handshake recorded in setup.</para>
/// <para><see cref="FullResponder"/> is a responder <see cref="IkeSa"/> answering a recorded IKE_SA_INIT request
/// and the matching IKE_AUTH request (parse, proposals, traffic selectors, the virtual IP, build, and the same
/// crypto). Its randomness and private value repeat (see <see cref="ReplayRandom"/>) so the recorded IKE_AUTH
/// stays valid, but they are drawn from the CSPRNG at production cost every time. Full / floor is the issue's
/// target ratio (≤ 1.3).</para>
/// <para>The other rows split the floor into its parts.</para>
/// </summary>
[MemoryDiagnoser]
public class CryptoFloorBenchmarks
{
    private const int HeaderLength = 28;
    private const int SkHeaderLength = 4;
    private const int AeadOverhead = 8 + 16 + 1; // IV, ICV, pad length octet

    private readonly IPrf _prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
    private readonly IEncryption _encryption = TransformRegistry.Encryption(EncryptionId.AesGcm16, 256);
    private readonly byte[] _psk = "bench-secret-0123456789"u8.ToArray();
    private readonly ReplayRandom _replay = new(42);
    private readonly BenchAddressPool _pool = new();
    private IkeSaConfig _responderConfig = null!;
    private IkeSaServices _responderServices = null!;
    private byte[] _scalar = null!;
    private byte[] _peerPublic = null!;
    private byte[] _ni = null!;
    private byte[] _nr = null!;
    private byte[] _spiI = null!;
    private byte[] _spiR = null!;
    private byte[] _initRequest = null!;
    private byte[] _initResponse = null!;
    private byte[] _authRequest = null!;
    private byte[] _idi = null!;
    private byte[] _idr = null!;
    private byte[] _authI = null!;
    private byte[] _requestAad = null!;
    private byte[] _requestSealed = null!;
    private byte[] _requestPlain = null!;
    private byte[] _responseAad = null!;
    private byte[] _responsePlain = null!;
    private byte[] _responseSealed = null!;
    private IkeKeymat _fixedKeymat = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scalar = RandomNumberGenerator.GetBytes(32);
        _responderConfig = ServerBenchSetup.ResponderConfig();
        _responderServices = new IkeSaServices
        {
            Random = _replay,
            KeyExchangeFactory = ReplayKeyExchange.Factory(_scalar),
            AddressAllocator = _pool,
        };

        // One real handshake, recorded: the responder's inputs and the sizes of every message.
        _replay.Reset();
        using var responder = IkeSa.CreateResponder(_responderConfig, _responderServices, ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        using var initiator = IkeSa.CreateInitiator(ServerBenchSetup.InitiatorConfig(), new IkeSaServices(), ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        _initRequest = initiator.Initiate().Message!;
        _initResponse = responder.Process(_initRequest, ServerBenchSetup.Client, ServerBenchSetup.Gateway).Message!;
        // The IKE_SA_INIT nonces, read before IKE_AUTH: the established SA lets go of them.
        _ni = responder.NonceI.ToArray();
        _nr = responder.NonceR.ToArray();
        _authRequest = initiator.Process(_initResponse, ServerBenchSetup.Gateway, ServerBenchSetup.Client).Message!;
        byte[] authResponse = responder.Process(_authRequest, ServerBenchSetup.Client, ServerBenchSetup.Gateway).Message!;
        initiator.Process(authResponse, ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        if (initiator.State != IkeSaState.Established)
        {
            throw new InvalidOperationException($"setup handshake ended {initiator.State}");
        }

        _spiI = BigEndian(responder.InitiatorSpi);
        _spiR = BigEndian(responder.ResponderSpi);
        _idi = RandomNumberGenerator.GetBytes(4 + "road@bench.test".Length);
        _idr = RandomNumberGenerator.GetBytes(4 + "gw.bench.test".Length);
        using (IKeyExchange peer = MontgomeryGroup.Curve25519.Create())
        {
            _peerPublic = peer.PublicKey.ToArray();
        }

        // The floor's own fixed inputs: keys derived once, the initiator's sealed request and AUTH made with them.
        using var kex = new MontgomeryOpenSslKeyExchange(MontgomeryGroup.Curve25519, _scalar);
        byte[] shared = kex.DeriveSharedSecret(_peerPublic);
        _fixedKeymat = IkeKeymat.Derive(_prf, _encryption, null, shared, _ni, _nr, _spiI, _spiR);
        _authI = AuthOctets.SharedKeyAuth(_prf, _psk, _fixedKeymat.SignedOctets(true, _initRequest, _nr, _idi));

        _requestAad = RandomNumberGenerator.GetBytes(HeaderLength + SkHeaderLength);
        _requestPlain = new byte[_authRequest.Length - HeaderLength - SkHeaderLength - AeadOverhead];
        _responseAad = RandomNumberGenerator.GetBytes(HeaderLength + SkHeaderLength);
        _responsePlain = new byte[authResponse.Length - HeaderLength - SkHeaderLength - AeadOverhead];
        using SkCipherPair initiatorCiphers = _fixedKeymat.CreateSkCiphers(isInitiator: true);
        _requestSealed = new byte[initiatorCiphers.Outbound.SealedLength(_requestPlain.Length)];
        initiatorCiphers.Outbound.Seal(_requestAad, _requestPlain, _requestSealed);
        _responseSealed = new byte[initiatorCiphers.Inbound.SealedLength(_responsePlain.Length)];
        if (CryptoFloor() <= 0 || FullResponder() != IkeSaState.Established)
        {
            throw new InvalidOperationException("the floor or the responder does not complete");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fixedKeymat.Dispose();

    /// <summary>The responder's cryptography of one handshake and nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int CryptoFloor()
    {
        Span<byte> nonce = stackalloc byte[32];
        RandomNumberGenerator.Fill(nonce);
        using IKeyExchange kex = NewKeyPair();
        byte[] shared = kex.DeriveSharedSecret(_peerPublic);
        using IkeKeymat keymat = IkeKeymat.Derive(_prf, _encryption, null, shared, _ni, _nr, _spiI, _spiR);
        CryptographicOperations.ZeroMemory(shared);
        using SkCipherPair ciphers = keymat.CreateSkCiphers(isInitiator: false);
        int opened = ciphers.Inbound.Open(_requestAad, _requestSealed, _requestPlain);
        bool verified = AuthOctets.VerifySharedKeyAuth(_prf, _psk, keymat.SignedOctets(true, _initRequest, _nr, _idi), _authI);
        byte[] authR = AuthOctets.SharedKeyAuth(_prf, _psk, keymat.SignedOctets(false, _initResponse, _ni, _idr));
        using ChildKeymat child = keymat.DeriveChild(_encryption.KeyLength, 0, default, _ni, _nr);
        int sealedLength = ciphers.Outbound.Seal(_responseAad, _responsePlain, _responseSealed);
        return opened >= 0 && verified ? sealedLength + authR.Length + child.InitiatorEncryptionKey.Length : -1;
    }

    /// <summary>A responder IkeSa answering IKE_SA_INIT and IKE_AUTH: everything the concentrator computes per setup
    /// except the actors, the socket and the kernel.</summary>
    [Benchmark]
    public IkeSaState FullResponder()
    {
        _replay.Reset();
        using var responder = IkeSa.CreateResponder(_responderConfig, _responderServices, ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        responder.Process(_initRequest, ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        var result = responder.Process(_authRequest, ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        return result.Message is not null && responder.State == IkeSaState.Established
            ? responder.State
            : throw new InvalidOperationException($"responder ended {responder.State}: {result.Drop} {result.Detail}");
    }

    /// <summary>Part of the floor: nonce, X25519 keygen and agreement.</summary>
    [Benchmark]
    public int PartKeyExchange()
    {
        Span<byte> nonce = stackalloc byte[32];
        RandomNumberGenerator.Fill(nonce);
        using IKeyExchange kex = NewKeyPair();
        return kex.DeriveSharedSecret(_peerPublic).Length;
    }

    /// <summary>Part of the floor: SKEYSEED, the seven keys and the CHILD SA's KEYMAT.</summary>
    [Benchmark]
    public int PartKeyDerivation()
    {
        using IkeKeymat keymat = IkeKeymat.Derive(_prf, _encryption, null, _peerPublic, _ni, _nr, _spiI, _spiR);
        using ChildKeymat child = keymat.DeriveChild(_encryption.KeyLength, 0, default, _ni, _nr);
        return child.InitiatorEncryptionKey.Length;
    }

    /// <summary>Part of the floor: both PSK AUTH values (MACed ID + two PRF calls each, over IKE_SA_INIT).</summary>
    [Benchmark]
    public int PartPskAuth()
    {
        bool verified = AuthOctets.VerifySharedKeyAuth(_prf, _psk, _fixedKeymat.SignedOctets(true, _initRequest, _nr, _idi), _authI);
        byte[] authR = AuthOctets.SharedKeyAuth(_prf, _psk, _fixedKeymat.SignedOctets(false, _initResponse, _ni, _idr));
        return verified ? authR.Length : -1;
    }

    /// <summary>Part of the floor: the two AES-GCM SK ciphers made, the request opened, the response sealed.</summary>
    [Benchmark]
    public int PartSkPayloads()
    {
        using SkCipherPair ciphers = _fixedKeymat.CreateSkCiphers(isInitiator: false);
        int opened = ciphers.Inbound.Open(_requestAad, _requestSealed, _requestPlain);
        return opened + ciphers.Outbound.Seal(_responseAad, _responsePlain, _responseSealed);
    }

    // What MontgomeryGroup.Create costs (32 CSPRNG octets and a base-point multiplication), with a private value
    // that repeats so the sealed request and the AUTH made in setup stay valid.
    private MontgomeryOpenSslKeyExchange NewKeyPair()
    {
        Span<byte> drawn = stackalloc byte[32];
        RandomNumberGenerator.Fill(drawn);
        return new MontgomeryOpenSslKeyExchange(MontgomeryGroup.Curve25519, _scalar);
    }

    private static byte[] BigEndian(ulong spi)
    {
        var octets = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(octets, spi);
        return octets;
    }
}
