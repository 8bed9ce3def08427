using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// The keys of one IKE SA (RFC 7296 §2.14): <c>{SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
/// = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)</c>, with the negotiated transforms that cut and use them.
/// All seven keys live in one array that <see cref="Dispose"/> zeroes.
/// <para>Nonces are the Nonce Data (without payload header); SPIs are the 8 octets as in the IKE header. "i" and
/// "r" always mean the initiator and responder of the exchange that created this SA (for a rekeyed SA: of the
/// CREATE_CHILD_SA exchange, RFC 7296 §2.18).</para>
/// </summary>
public sealed class IkeKeymat : IDisposable
{
    private readonly byte[] _keys;
    private readonly int _prfLength;
    private readonly int _integLength;
    private readonly int _encrLength;
    private bool _disposed;

    private IkeKeymat(IPrf prf, IEncryption encryption, IIntegrity? integrity, byte[] keys)
    {
        Prf = prf;
        Encryption = encryption;
        Integrity = integrity;
        _keys = keys;
        _prfLength = prf.KeyLength;
        _integLength = integrity?.KeyLength ?? 0;
        _encrLength = encryption.KeyLength;
    }

    public IPrf Prf { get; }

    public IEncryption Encryption { get; }

    /// <summary>Null for AEAD transforms (no SK_ai/SK_ar then, RFC 5282 §7.1).</summary>
    public IIntegrity? Integrity { get; }

    /// <summary>Octets of keying material for the seven keys: 3·prf key + 2·integ key + 2·encr key (+ salt).</summary>
    public static int KeymatLength(IPrf prf, IEncryption encryption, IIntegrity? integrity) =>
        3 * prf.KeyLength + 2 * (integrity?.KeyLength ?? 0) + 2 * encryption.KeyLength;

    public ReadOnlySpan<byte> SkD => Key(0, _prfLength);

    public ReadOnlySpan<byte> SkAi => Key(_prfLength, _integLength);

    public ReadOnlySpan<byte> SkAr => Key(_prfLength + _integLength, _integLength);

    public ReadOnlySpan<byte> SkEi => Key(_prfLength + 2 * _integLength, _encrLength);

    public ReadOnlySpan<byte> SkEr => Key(_prfLength + 2 * _integLength + _encrLength, _encrLength);

    public ReadOnlySpan<byte> SkPi => Key(_prfLength + 2 * _integLength + 2 * _encrLength, _prfLength);

    public ReadOnlySpan<byte> SkPr => Key(2 * _prfLength + 2 * _integLength + 2 * _encrLength, _prfLength);

    private ReadOnlySpan<byte> Key(int offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _keys.AsSpan(offset, length);
    }

    /// <summary>RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir).</summary>
    public static byte[] ComputeSkeyseed(IPrf prf, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr)
    {
        byte[] key = Concat(ni, nr);
        try
        {
            return prf.Compute(key, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), computed with the old SA's PRF.</summary>
    public static byte[] ComputeRekeySkeyseed(IPrf oldPrf, ReadOnlySpan<byte> oldSkD, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr)
    {
        byte[] data = Concat(sharedSecret, ni, nr);
        try
        {
            return oldPrf.Compute(oldSkD, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>The seven keys from a SKEYSEED (RFC 7296 §2.14): prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).</summary>
    public static IkeKeymat FromSkeyseed(IPrf prf, IEncryption encryption, IIntegrity? integrity, ReadOnlySpan<byte> skeyseed,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr, ReadOnlySpan<byte> spiI, ReadOnlySpan<byte> spiR)
    {
        if (spiI.Length != 8)
            CryptoThrow.ArgumentLength(nameof(spiI), 8, spiI.Length);
        if (spiR.Length != 8)
            CryptoThrow.ArgumentLength(nameof(spiR), 8, spiR.Length);
        // RFC 5282 §8: with a combined-mode cipher there is no integrity transform and no SK_a.
        if (encryption.IsAead != (integrity is null))
            throw new ArgumentException(encryption.IsAead
                ? "an AEAD transform is negotiated without an integrity transform"
                : "a non-AEAD transform needs an integrity transform", nameof(integrity));

        byte[] seed = Concat(ni, nr, spiI, spiR);
        try
        {
            byte[] keys = PrfPlus.Derive(prf, skeyseed, seed, KeymatLength(prf, encryption, integrity));
            return new IkeKeymat(prf, encryption, integrity, keys);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The keys of a new IKE SA from IKE_SA_INIT (RFC 7296 §2.14).</summary>
    public static IkeKeymat Derive(IPrf prf, IEncryption encryption, IIntegrity? integrity, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr, ReadOnlySpan<byte> spiI, ReadOnlySpan<byte> spiR)
    {
        byte[] skeyseed = ComputeSkeyseed(prf, sharedSecret, ni, nr);
        try
        {
            return FromSkeyseed(prf, encryption, integrity, skeyseed, ni, nr, spiI, spiR);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(skeyseed);
        }
    }

    /// <summary>Same as <see cref="Derive(IPrf, IEncryption, IIntegrity?, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    /// with the SPIs as the numbers carried in the IKE header (network byte order on the wire).</summary>
    public static IkeKeymat Derive(IPrf prf, IEncryption encryption, IIntegrity? integrity, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr, ulong spiI, ulong spiR)
    {
        Span<byte> spis = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(spis, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(spis[8..], spiR);
        return Derive(prf, encryption, integrity, sharedSecret, ni, nr, spis[..8], spis[8..]);
    }

    /// <summary>The keys of the IKE SA that replaces this one (RFC 7296 §2.18): SKEYSEED from this SA's PRF and
    /// SK_d, then prf+ with the new SA's PRF. Nonces and SPIs are those of the CREATE_CHILD_SA exchange.</summary>
    public IkeKeymat DeriveRekeyed(IPrf prf, IEncryption encryption, IIntegrity? integrity, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr, ReadOnlySpan<byte> spiI, ReadOnlySpan<byte> spiR)
    {
        byte[] skeyseed = ComputeRekeySkeyseed(Prf, SkD, sharedSecret, ni, nr);
        try
        {
            return FromSkeyseed(prf, encryption, integrity, skeyseed, ni, nr, spiI, spiR);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(skeyseed);
        }
    }

    /// <summary>The SK payload ciphers of this SA for one role: the initiator sends with SK_ei/SK_ai and receives
    /// with SK_er/SK_ar, the responder the other way round (RFC 7296 §2.14).</summary>
    public SkCipherPair CreateSkCiphers(bool isInitiator, IRandomSource? random = null)
    {
        ISkCipher fromInitiator = Encryption.CreateSkCipher(SkEi, Integrity, SkAi, random);
        ISkCipher fromResponder;
        try
        {
            fromResponder = Encryption.CreateSkCipher(SkEr, Integrity, SkAr, random);
        }
        catch
        {
            fromInitiator.Dispose();
            throw;
        }
        return isInitiator ? new SkCipherPair(fromInitiator, fromResponder) : new SkCipherPair(fromResponder, fromInitiator);
    }

    /// <summary>KEYMAT for a CHILD SA of this IKE SA (RFC 7296 §2.17); pass an empty
    /// <paramref name="sharedSecret"/> without PFS.</summary>
    public ChildKeymat DeriveChild(int encryptionKeyLength, int integrityKeyLength, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr) =>
        ChildKeymat.Derive(Prf, SkD, encryptionKeyLength, integrityKeyLength, sharedSecret, ni, nr);

    /// <summary>The octets the AUTH payload signs or MACs (RFC 7296 §2.15), for the side that sends
    /// <paramref name="realMessage"/>: the initiator (message 1, SK_pi) or the responder (message 2, SK_pr).</summary>
    public byte[] SignedOctets(bool ofInitiator, ReadOnlySpan<byte> realMessage, ReadOnlySpan<byte> peerNonce,
        ReadOnlySpan<byte> idPayloadBody) =>
        AuthOctets.SignedOctets(Prf, ofInitiator ? SkPi : SkPr, realMessage, peerNonce, idPayloadBody);

    internal static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c = default, ReadOnlySpan<byte> d = default)
    {
        var result = new byte[a.Length + b.Length + c.Length + d.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        c.CopyTo(result.AsSpan(a.Length + b.Length));
        d.CopyTo(result.AsSpan(a.Length + b.Length + c.Length));
        return result;
    }

    /// <summary>RFC 7296 §2.14 leaves keys in memory only as long as the SA needs them: zero them all.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        CryptographicOperations.ZeroMemory(_keys);
    }
}
