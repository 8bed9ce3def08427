using System.Buffers;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// SK payload protection with AES-CBC and a truncated HMAC (RFC 7296 §3.14): body
/// <c>IV(16) ‖ AES-CBC(inner payloads ‖ padding ‖ pad length) ‖ ICV</c>, where the ICV covers the whole message
/// from the IKE header through the ciphertext (here: associated data ‖ IV ‖ ciphertext).
/// Not thread-safe: one instance protects one direction of one IKE SA.
/// </summary>
internal sealed class CbcHmacSkCipher : ISkCipher
{
    public const int BlockSize = 16;

    private readonly Aes _aes;
    private readonly IIntegrity _integrity;
    private readonly IncrementalHash _mac;
    private readonly IRandomSource _random;

    public CbcHmacSkCipher(ReadOnlySpan<byte> key, IIntegrity integrity, ReadOnlySpan<byte> integrityKey, IRandomSource random)
    {
        _aes = Aes.Create();
        _aes.SetKey(key);
        _integrity = integrity;
        _mac = integrity.CreateIncremental(integrityKey);
        _random = random;
    }

    public int SealedLength(int plaintextLength) =>
        BlockSize + PaddedLength(plaintextLength) + _integrity.IcvLength;

    /// <summary>RFC 7296 §3.14: padding + pad length make the encrypted part a multiple of the block size.</summary>
    private static int PaddedLength(int plaintextLength) => (plaintextLength + 1 + BlockSize - 1) / BlockSize * BlockSize;

    public int Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        int paddedLength = PaddedLength(plaintext.Length);
        int sealedLength = BlockSize + paddedLength + _integrity.IcvLength;
        if (destination.Length < sealedLength)
            CryptoThrow.ArgumentLength(nameof(destination), sealedLength, destination.Length);

        // RFC 7296 §3.14: the IV MUST be chosen at random and MUST be unpredictable.
        Span<byte> iv = destination[..BlockSize];
        _random.Fill(iv);

        byte[] rented = ArrayPool<byte>.Shared.Rent(paddedLength);
        try
        {
            Span<byte> inner = rented.AsSpan(0, paddedLength);
            plaintext.CopyTo(inner);
            // Padding MAY hold any value (RFC 7296 §3.14); zeros leak nothing.
            inner[plaintext.Length..].Clear();
            inner[^1] = (byte)(paddedLength - plaintext.Length - 1);
            _aes.EncryptCbc(inner, iv, destination.Slice(BlockSize, paddedLength), PaddingMode.None);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, paddedLength));
            ArrayPool<byte>.Shared.Return(rented);
        }

        Span<byte> icv = destination.Slice(BlockSize + paddedLength, _integrity.IcvLength);
        ComputeIcv(associatedData, destination[..(BlockSize + paddedLength)], icv);
        return sealedLength;
    }

    public int Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBody, Span<byte> plaintext)
    {
        int icvLength = _integrity.IcvLength;
        int cipherLength = sealedBody.Length - BlockSize - icvLength;
        if (cipherLength < BlockSize || cipherLength % BlockSize != 0)
            CryptoThrow.InvalidSyntax($"Encrypted payload body of {sealedBody.Length} octets does not hold a 16-octet IV, whole AES blocks and a {icvLength}-octet ICV");

        // RFC 7296 §3.14: check the ICV before decrypting anything; compare in constant time.
        Span<byte> icv = stackalloc byte[64];
        icv = icv[..icvLength];
        ReadOnlySpan<byte> covered = sealedBody[..(BlockSize + cipherLength)];
        ComputeIcv(associatedData, covered, icv);
        if (!CryptographicOperations.FixedTimeEquals(icv, sealedBody[(BlockSize + cipherLength)..]))
            return -1;

        byte[]? rented = null;
        Span<byte> inner = plaintext.Length >= cipherLength
            ? plaintext[..cipherLength]
            : (rented = ArrayPool<byte>.Shared.Rent(cipherLength)).AsSpan(0, cipherLength);
        try
        {
            _aes.DecryptCbc(sealedBody.Slice(BlockSize, cipherLength), sealedBody[..BlockSize], inner, PaddingMode.None);
            return SkPadding.InnerLength(inner, plaintext);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(inner);
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void ComputeIcv(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ivAndCiphertext, Span<byte> icv)
    {
        Span<byte> full = stackalloc byte[64];
        _mac.AppendData(associatedData);
        _mac.AppendData(ivAndCiphertext);
        int written = _mac.GetHashAndReset(full);
        full[..icv.Length].CopyTo(icv);
        CryptographicOperations.ZeroMemory(full[..written]);
    }

    public void Dispose()
    {
        _aes.Dispose();
        _mac.Dispose();
    }
}
