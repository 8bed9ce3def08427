using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>An integrity transform (type 3): a MAC truncated to <see cref="IcvLength"/> octets.</summary>
public interface IIntegrity
{
    IntegrityId Id { get; }

    /// <summary>Length of SK_ai / SK_ar (RFC 7296 §2.14) and of the ESP integrity key (§2.17).</summary>
    int KeyLength { get; }

    /// <summary>Octets of the Integrity Checksum Data (RFC 7296 §3.14).</summary>
    int IcvLength { get; }

    /// <summary>Writes the truncated MAC of <paramref name="data"/> and returns <see cref="IcvLength"/>.</summary>
    int Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> icv);

    /// <summary>A keyed, reusable MAC for checksums over several pieces (associated data, IV, ciphertext).</summary>
    IncrementalHash CreateIncremental(ReadOnlySpan<byte> key);
}
