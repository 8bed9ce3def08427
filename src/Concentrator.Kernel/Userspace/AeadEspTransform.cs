using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Concentrator.Kernel.Userspace;

internal enum AeadKind : byte
{
    AesGcm,
    ChaCha20Poly1305,
}

/// <summary>
/// AES-GCM (RFC 4106) and ChaCha20-Poly1305 (RFC 7634) for ESP: both take a key followed by a 4-byte salt,
/// carry an 8-byte IV in the packet, use nonce = salt | IV, and authenticate SPI | Seq (or SPI | Seq-high |
/// Seq-low with ESN) as AAD.
/// </summary>
internal sealed class AeadEspTransform : EspTransform
{
    private const int SaltLength = 4;
    private const int MaxKeyLength = 32;

    // The cipher (AesGcm or ChaCha20Poly1305, in one field) is made on the SA's first packet, not at install: each
    // holds an OpenSSL context, and most SAs of a concentrator sit idle (issue 13: memory per held SA). Until then
    // the key waits here, inline; it is wiped once the cipher has it.
    private IDisposable? _aead;
    private KeyBytes _key;
    private readonly uint _salt;
    private readonly byte _keyLength;
    private readonly byte _icv;
    private readonly AeadKind _kind;
    private bool _disposed;

    public AeadEspTransform(AeadKind kind, ReadOnlySpan<byte> keyWithSalt, int icvLength)
    {
        if (keyWithSalt.Length <= SaltLength)
        {
            throw new KernelException(Errnos.EINVAL, "AEAD key too short for its salt", "add SA");
        }

        var key = keyWithSalt[..^SaltLength];
        // RFC 4106 section 8.1 / RFC 7634 section 2: the last four octets of the keying material are the salt.
        _salt = BinaryPrimitives.ReadUInt32BigEndian(keyWithSalt[^SaltLength..]);
        if (kind == AeadKind.AesGcm)
        {
            if (key.Length is not (16 or 24 or 32) || icvLength is not (8 or 12 or 16))
            {
                throw new KernelException(Errnos.EINVAL, "AES-GCM needs a 16/24/32-byte key and an 8/12/16-byte ICV", "add SA");
            }

            if (!AesGcm.IsSupported)
            {
                throw new KernelException(Errnos.ENOSYS, "AES-GCM is not supported by this platform's crypto library", "add SA");
            }
        }
        else
        {
            // RFC 7634 section 2: the key is 256 bits and the tag 128 bits, nothing else.
            if (key.Length != 32 || icvLength != 16)
            {
                throw new KernelException(Errnos.EINVAL, "ChaCha20-Poly1305 needs a 32-byte key and a 16-byte ICV", "add SA");
            }

            if (!ChaCha20Poly1305.IsSupported)
            {
                throw new KernelException(Errnos.ENOSYS, "ChaCha20-Poly1305 is not supported by this platform's crypto library", "add SA");
            }
        }

        _kind = kind;
        _icv = (byte)icvLength;
        _keyLength = (byte)key.Length;
        key.CopyTo(_key);
    }

    /// <summary>Whether the cipher (and its OpenSSL context) has been made: tests only.</summary>
    internal bool HasCipher => Volatile.Read(ref _aead) is not null;

    public override int IvLength => 8;

    public override int IcvLength => _icv;

    public override int Alignment => 4;

    /// <summary>
    /// The sequence number is the IV: RFC 4106 section 3.1 asks only that an IV never repeats under a key, and an
    /// SA never sends two packets with one sequence number (the same choice as Linux's seqiv).
    /// </summary>
    protected override void GenerateIv(Span<byte> iv, ulong sequence) => BinaryPrimitives.WriteUInt64BigEndian(iv, sequence);

    public override void Seal(Span<byte> packet, int bodyLength, uint sequenceHigh, bool esn)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[12];
        var a = BuildAad(packet, sequenceHigh, esn, aad);
        BuildNonce(packet, nonce);
        var body = packet.Slice(HeaderLength + 8, bodyLength);
        var tag = packet.Slice(HeaderLength + 8 + bodyLength, _icv);
        var aead = Cipher();
        if (aead is AesGcm gcm)
        {
            gcm.Encrypt(nonce, body, body, tag, a);
        }
        else
        {
            ((ChaCha20Poly1305)aead).Encrypt(nonce, body, body, tag, a);
        }
    }

    public override bool Open(Span<byte> packet, int bodyLength, uint sequenceHigh, bool esn)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[12];
        var a = BuildAad(packet, sequenceHigh, esn, aad);
        BuildNonce(packet, nonce);
        var body = packet.Slice(HeaderLength + 8, bodyLength);
        var tag = packet.Slice(HeaderLength + 8 + bodyLength, _icv);
        var aead = Cipher();
        try
        {
            if (aead is AesGcm gcm)
            {
                gcm.Decrypt(nonce, body, tag, body, a);
            }
            else
            {
                ((ChaCha20Poly1305)aead).Decrypt(nonce, body, tag, body, a);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        CryptographicOperations.ZeroMemory(_key);
        Volatile.Read(ref _aead)?.Dispose();
    }

    /// <summary>
    /// The keyed cipher, made on first use. Seal and Open of one SA may run on two threads (the transform of an
    /// inbound SA only opens, of an outbound one only seals, but nothing forbids both): racing makers agree on one.
    /// </summary>
    private IDisposable Cipher() => Volatile.Read(ref _aead) ?? CreateCipher();

    private IDisposable CreateCipher()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        ReadOnlySpan<byte> key = ((ReadOnlySpan<byte>)_key)[.._keyLength];
        IDisposable made = _kind == AeadKind.AesGcm ? new AesGcm(key, _icv) : new ChaCha20Poly1305(key);
        if (Interlocked.CompareExchange(ref _aead, made, null) is { } other)
        {
            made.Dispose();
            return other;
        }

        // A racing maker that still reads the key after this makes a cipher that loses the exchange above.
        CryptographicOperations.ZeroMemory(_key);
        return made;
    }

    private void BuildNonce(ReadOnlySpan<byte> packet, Span<byte> nonce)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, _salt);
        packet.Slice(HeaderLength, 8).CopyTo(nonce[4..]);
    }

    /// <summary>RFC 4106 section 5 / RFC 7634 section 2.1: SPI | Seq, or SPI | Seq-high | Seq-low with ESN.</summary>
    private static ReadOnlySpan<byte> BuildAad(ReadOnlySpan<byte> packet, uint sequenceHigh, bool esn, Span<byte> aad)
    {
        packet[..4].CopyTo(aad);
        if (!esn)
        {
            packet.Slice(4, 4).CopyTo(aad[4..]);
            return aad[..8];
        }

        BinaryPrimitives.WriteUInt32BigEndian(aad[4..], sequenceHigh);
        packet.Slice(4, 4).CopyTo(aad[8..]);
        return aad;
    }

    [InlineArray(MaxKeyLength)]
    private struct KeyBytes
    {
        private byte _first;
    }
}
