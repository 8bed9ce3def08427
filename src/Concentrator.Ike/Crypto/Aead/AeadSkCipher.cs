using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// SK payload protection with a combined-mode cipher: AES-GCM (RFC 5282) or ChaCha20-Poly1305 (RFC 7634).
/// Body layout (RFC 5282 §3): <c>IV(8) ‖ ciphertext(inner payloads ‖ padding ‖ pad length) ‖ ICV</c>.
/// Not thread-safe: one instance protects one direction of one IKE SA.
/// </summary>
internal sealed class AeadSkCipher : ISkCipher
{
    /// <summary>RFC 5282 §3.1 / RFC 7634 §2: the explicit IV is 8 octets.</summary>
    public const int IvLength = 8;

    /// <summary>RFC 5282 §3.1 / RFC 7634 §2: the implicit salt is the last 4 octets of the key material.</summary>
    public const int SaltLength = 4;

    private readonly IAeadPrimitive _aead;
    // The 4 octets as a number, not an array: one object less per direction of every IKE SA (issue 13).
    private uint _salt;
    private ulong _ivCounter;

    public AeadSkCipher(IAeadPrimitive aead, ReadOnlySpan<byte> salt, IRandomSource random)
    {
        if (salt.Length != SaltLength)
            CryptoThrow.ArgumentLength(nameof(salt), SaltLength, salt.Length);
        _aead = aead;
        _salt = BinaryPrimitives.ReadUInt32BigEndian(salt);
        // RFC 5282 §3.1: the IV MUST NOT repeat for a given key. A counter guarantees that within this SA; its
        // random start keeps the IVs of different SAs (and restarts) unrelated.
        Span<byte> start = stackalloc byte[8];
        random.Fill(start);
        _ivCounter = BinaryPrimitives.ReadUInt64BigEndian(start);
    }

    public int SealedLength(int plaintextLength) => IvLength + plaintextLength + 1 + _aead.TagLength;

    public int Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        int sealedLength = SealedLength(plaintext.Length);
        if (destination.Length < sealedLength)
            CryptoThrow.ArgumentLength(nameof(destination), sealedLength, destination.Length);

        Span<byte> iv = destination[..IvLength];
        BinaryPrimitives.WriteUInt64BigEndian(iv, _ivCounter++);
        Span<byte> nonce = stackalloc byte[SaltLength + IvLength];
        BinaryPrimitives.WriteUInt32BigEndian(nonce, _salt);
        iv.CopyTo(nonce[SaltLength..]);

        // RFC 7296 §3.14: the Pad Length octet is always present; AEAD needs no block alignment, so we send no
        // padding (RFC 5282 §3: padding is allowed but not required).
        int innerLength = plaintext.Length + 1;
        byte[] rented = ArrayPool<byte>.Shared.Rent(innerLength);
        try
        {
            Span<byte> inner = rented.AsSpan(0, innerLength);
            plaintext.CopyTo(inner);
            inner[^1] = 0;
            _aead.Encrypt(nonce, inner, destination[IvLength..sealedLength], associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, innerLength));
            ArrayPool<byte>.Shared.Return(rented);
        }
        return sealedLength;
    }

    public int Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBody, Span<byte> plaintext)
    {
        int tagLength = _aead.TagLength;
        // At least the IV, the Pad Length octet and the ICV.
        if (sealedBody.Length < IvLength + 1 + tagLength)
            CryptoThrow.InvalidSyntax($"Encrypted payload body of {sealedBody.Length} octets is too short for IV, pad length and a {tagLength}-octet ICV");

        Span<byte> nonce = stackalloc byte[SaltLength + IvLength];
        BinaryPrimitives.WriteUInt32BigEndian(nonce, _salt);
        sealedBody[..IvLength].CopyTo(nonce[SaltLength..]);
        ReadOnlySpan<byte> ciphertextAndTag = sealedBody[IvLength..];
        int innerLength = ciphertextAndTag.Length - tagLength;

        byte[]? rented = null;
        Span<byte> inner = plaintext.Length >= innerLength
            ? plaintext[..innerLength]
            : (rented = ArrayPool<byte>.Shared.Rent(innerLength)).AsSpan(0, innerLength);
        try
        {
            // RFC 7296 §2.21.2: a message whose ICV does not verify is dropped silently, so this is not an error.
            if (!_aead.TryDecrypt(nonce, ciphertextAndTag, inner, associatedData))
                return -1;
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

    public void Dispose()
    {
        _aead.Dispose();
        _salt = 0;
    }
}
