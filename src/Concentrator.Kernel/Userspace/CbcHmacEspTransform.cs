using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// AES-CBC (RFC 3602) with HMAC-SHA2 truncated (RFC 4868) or HMAC-SHA1-96 (RFC 2404): a random 16-byte IV per packet, the body padded to
/// the 16-byte block, encrypt-then-MAC over SPI | Seq | IV | ciphertext (| Seq-high with ESN).
/// <para>A null integrity key builds the encryption-only transform the RFC 3602 test vectors need (tests only).</para>
/// </summary>
internal sealed class CbcHmacEspTransform : EspTransform
{
    private readonly Aes _aes;
    private readonly IncrementalHash? _hmac;
    private readonly int _icv;

    public CbcHmacEspTransform(ReadOnlySpan<byte> key, string? integrity, ReadOnlySpan<byte> integrityKey, int icvLength)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new KernelException(Errnos.EINVAL, "AES-CBC needs a 16/24/32-byte key", "add SA");
        }

        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        if (integrity is null)
        {
            _icv = 0;
            return;
        }

        var name = integrity switch
        {
            IntegrityAlgorithm.HmacSha1 => HashAlgorithmName.SHA1,
            IntegrityAlgorithm.HmacSha256 => HashAlgorithmName.SHA256,
            IntegrityAlgorithm.HmacSha384 => HashAlgorithmName.SHA384,
            IntegrityAlgorithm.HmacSha512 => HashAlgorithmName.SHA512,
            _ => throw new KernelException(Errnos.ENOSYS, $"integrity '{integrity}' is not implemented in userspace", "add SA"),
        };
        int full = name == HashAlgorithmName.SHA1 ? 20 : name == HashAlgorithmName.SHA256 ? 32 : name == HashAlgorithmName.SHA384 ? 48 : 64;
        if (icvLength <= 0 || icvLength > full)
        {
            throw new KernelException(Errnos.EINVAL, $"truncation {icvLength * 8} bits does not fit {integrity}", "add SA");
        }

        _hmac = IncrementalHash.CreateHMAC(name, integrityKey);
        _icv = icvLength;
    }

    public override int IvLength => 16;

    public override int IcvLength => _icv;

    public override int Alignment => 16;

    /// <summary>RFC 3602 section 3: the IV MUST be unpredictable, so it is random, not derived from the sequence number.</summary>
    protected override void GenerateIv(Span<byte> iv, ulong sequence) => RandomNumberGenerator.Fill(iv[..16]);

    public override void Seal(Span<byte> packet, int bodyLength, uint sequenceHigh, bool esn)
    {
        var iv = packet.Slice(HeaderLength, 16);
        var body = packet.Slice(HeaderLength + 16, bodyLength);
        _aes.EncryptCbc(body, iv, body, PaddingMode.None);
        if (_hmac is not null)
        {
            Span<byte> mac = stackalloc byte[64];
            _ = Mac(packet[..(HeaderLength + 16 + bodyLength)], sequenceHigh, esn, mac);
            mac[.._icv].CopyTo(packet.Slice(HeaderLength + 16 + bodyLength, _icv));
        }
    }

    public override bool Open(Span<byte> packet, int bodyLength, uint sequenceHigh, bool esn)
    {
        if (bodyLength % 16 != 0)
        {
            return false;
        }

        if (_hmac is not null)
        {
            Span<byte> mac = stackalloc byte[64];
            _ = Mac(packet[..(HeaderLength + 16 + bodyLength)], sequenceHigh, esn, mac);
            // RFC 4303 section 3.4.4.1: the ICV is checked before decryption, in constant time.
            if (!CryptographicOperations.FixedTimeEquals(mac[.._icv], packet.Slice(HeaderLength + 16 + bodyLength, _icv)))
            {
                return false;
            }
        }

        var iv = packet.Slice(HeaderLength, 16);
        var body = packet.Slice(HeaderLength + 16, bodyLength);
        Span<byte> ivCopy = stackalloc byte[16];
        iv.CopyTo(ivCopy);
        _aes.DecryptCbc(body, ivCopy, body, PaddingMode.None);
        return true;
    }

    public override void Dispose()
    {
        _aes.Dispose();
        _hmac?.Dispose();
    }

    private int Mac(ReadOnlySpan<byte> authenticated, uint sequenceHigh, bool esn, Span<byte> mac)
    {
        _hmac!.AppendData(authenticated);
        if (esn)
        {
            // RFC 4303 section 2.2.1: with ESN the high-order 32 bits are appended, for the ICV only, after the payload.
            Span<byte> hi = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(hi, sequenceHigh);
            _hmac.AppendData(hi);
        }

        return _hmac.GetHashAndReset(mac);
    }
}
