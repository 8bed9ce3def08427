using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// Keys of one CHILD SA (RFC 7296 §2.17): <c>KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr)</c>, taken in the order
/// initiator-to-responder encryption key, its integrity key, then responder-to-initiator encryption and
/// integrity keys. AEAD encryption keys include their 4-octet salt; AEAD has no integrity key.
/// </summary>
public sealed class ChildKeymat : IDisposable
{
    private readonly byte[] _keymat;
    private readonly int _encrLength;
    private readonly int _integLength;

    private ChildKeymat(byte[] keymat, int encrLength, int integLength)
    {
        _keymat = keymat;
        _encrLength = encrLength;
        _integLength = integLength;
    }

    /// <summary>Protects traffic from the initiator to the responder (the responder's inbound SA).</summary>
    public ReadOnlySpan<byte> InitiatorEncryptionKey => _keymat.AsSpan(0, _encrLength);

    public ReadOnlySpan<byte> InitiatorIntegrityKey => _keymat.AsSpan(_encrLength, _integLength);

    /// <summary>Protects traffic from the responder to the initiator.</summary>
    public ReadOnlySpan<byte> ResponderEncryptionKey => _keymat.AsSpan(_encrLength + _integLength, _encrLength);

    public ReadOnlySpan<byte> ResponderIntegrityKey => _keymat.AsSpan(2 * _encrLength + _integLength, _integLength);

    /// <summary>RFC 7296 §2.17. <paramref name="sharedSecret"/> is g^ir of the CREATE_CHILD_SA exchange with PFS,
    /// empty otherwise; the nonces are those of the exchange that creates the CHILD SA.</summary>
    public static ChildKeymat Derive(IPrf prf, ReadOnlySpan<byte> skD, int encryptionKeyLength, int integrityKeyLength,
        ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr)
    {
        byte[] keymat = DeriveKeymat(prf, skD, sharedSecret, ni, nr, 2 * (encryptionKeyLength + integrityKeyLength));
        return new ChildKeymat(keymat, encryptionKeyLength, integrityKeyLength);
    }

    /// <summary>The raw KEYMAT of <paramref name="length"/> octets.</summary>
    public static byte[] DeriveKeymat(IPrf prf, ReadOnlySpan<byte> skD, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr, int length)
    {
        byte[] seed = IkeKeymat.Concat(sharedSecret, ni, nr);
        try
        {
            return PrfPlus.Derive(prf, skD, seed, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_keymat);
}
