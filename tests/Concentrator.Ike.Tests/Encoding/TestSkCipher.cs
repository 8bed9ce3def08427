using System.Buffers.Binary;
using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>An AES-GCM-16 SK cipher (RFC 5282 layout: 8-octet IV, pad length octet, 16-octet ICV) written only for
/// the codec tests, so they do not depend on the Crypto folder.</summary>
internal sealed class TestSkCipher : ISkCipher
{
    private const int IvLength = 8;
    private const int IcvLength = 16;
    private readonly AesGcm _aes;
    private readonly byte[] _salt = [1, 2, 3, 4];
    private ulong _counter;

    public TestSkCipher(byte keyByte = 0x42)
    {
        byte[] key = new byte[16];
        key.AsSpan().Fill(keyByte);
        _aes = new AesGcm(key, IcvLength);
    }

    public int SealedLength(int plaintextLength) => IvLength + plaintextLength + 1 + IcvLength;

    public int Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        Span<byte> iv = destination.Slice(0, IvLength);
        BinaryPrimitives.WriteUInt64BigEndian(iv, ++_counter);
        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        iv.CopyTo(nonce.Slice(4));
        byte[] padded = new byte[plaintext.Length + 1];
        plaintext.CopyTo(padded);
        int cipherLength = padded.Length;
        _aes.Encrypt(nonce, padded, destination.Slice(IvLength, cipherLength), destination.Slice(IvLength + cipherLength, IcvLength), associatedData);
        return SealedLength(plaintext.Length);
    }

    public int Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBody, Span<byte> plaintext)
    {
        if (sealedBody.Length < IvLength + 1 + IcvLength)
        {
            throw new IkeProtocolException(NotifyType.InvalidSyntax, "sealed body too short");
        }

        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        sealedBody.Slice(0, IvLength).CopyTo(nonce.Slice(4));
        int cipherLength = sealedBody.Length - IvLength - IcvLength;
        try
        {
            _aes.Decrypt(nonce, sealedBody.Slice(IvLength, cipherLength), sealedBody.Slice(IvLength + cipherLength), plaintext.Slice(0, cipherLength), associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            return -1;
        }

        int padLength = plaintext[cipherLength - 1];
        if (padLength + 1 > cipherLength)
        {
            throw new IkeProtocolException(NotifyType.InvalidSyntax, "pad length too large");
        }

        return cipherLength - 1 - padLength;
    }

    public void Dispose() => _aes.Dispose();
}
