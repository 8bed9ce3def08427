namespace Concentrator.Kernel.Userspace;

/// <summary>
/// The cryptographic half of one ESP SA (RFC 4303 section 2): how long the IV and ICV are, what the payload is
/// padded to, and how the packet body is sealed and opened in place. Instances hold a keyed cipher and are
/// used by one thread at a time (the dataplane gives each direction of an SA to one loop).
/// <para>
/// The packet the methods see is laid out as on the wire:
/// <c>SPI(4) | Seq(4) | IV | body (payload, padding, pad length, next header) | ICV</c>.
/// </para>
/// </summary>
internal abstract class EspTransform : IDisposable
{
    public const int HeaderLength = 8;

    public abstract int IvLength { get; }

    public abstract int IcvLength { get; }

    /// <summary>What body (payload + padding + 2) must be a multiple of: the cipher block size, at least 4 (RFC 4303 section 2.4).</summary>
    public abstract int Alignment { get; }

    private byte[]? _fixedIv;

    /// <summary>Writes the IV for the packet with this 64-bit sequence number.</summary>
    public void WriteIv(Span<byte> iv, ulong sequence)
    {
        if (_fixedIv is not null)
        {
            _fixedIv.CopyTo(iv);
        }
        else
        {
            GenerateIv(iv, sequence);
        }
    }

    /// <summary>Tests only: known-answer vectors fix the IV, so this one is used instead of a generated one.</summary>
    public void UseFixedIv(ReadOnlySpan<byte> iv) => _fixedIv = iv.ToArray();

    protected abstract void GenerateIv(Span<byte> iv, ulong sequence);

    /// <summary>Encrypts <paramref name="bodyLength"/> bytes after the IV in place and writes the ICV after them.</summary>
    public abstract void Seal(Span<byte> packet, int bodyLength, uint sequenceHigh, bool esn);

    /// <summary>Verifies the ICV and decrypts the body in place; false when the ICV does not match.</summary>
    public abstract bool Open(Span<byte> packet, int bodyLength, uint sequenceHigh, bool esn);

    public abstract void Dispose();

    /// <summary>Builds the transform an SA request names (the kernel's algorithm names are the vocabulary).</summary>
    public static EspTransform Create(SaRequest sa)
    {
        if (sa.Aead is { } aead)
        {
            int icv = aead.IcvBits / 8;
            return aead.Name switch
            {
                AeadAlgorithm.AesGcm => new AeadEspTransform(AeadKind.AesGcm, aead.Key.Span, icv),
                AeadAlgorithm.ChaCha20Poly1305 => new AeadEspTransform(AeadKind.ChaCha20Poly1305, aead.Key.Span, icv),
                _ => throw new KernelException(Errnos.ENOSYS, $"AEAD '{aead.Name}' is not implemented in userspace", "add SA"),
            };
        }

        if (sa.Encryption is { } enc)
        {
            if (enc.Name != CipherAlgorithm.AesCbc)
            {
                throw new KernelException(Errnos.ENOSYS, $"cipher '{enc.Name}' is not implemented in userspace", "add SA");
            }

            if (sa.Integrity is not { } integ)
            {
                // RFC 8221 section 5: a non-AEAD cipher without integrity is NOT RECOMMENDED; the kernel path refuses it too.
                throw new KernelException(Errnos.EINVAL, "cbc(aes) needs an integrity algorithm", "add SA");
            }

            return new CbcHmacEspTransform(enc.Key.Span, integ.Name, integ.Key.Span, integ.TruncationBits / 8);
        }

        throw new KernelException(Errnos.EINVAL, "SA has neither AEAD nor cipher", "add SA");
    }
}
