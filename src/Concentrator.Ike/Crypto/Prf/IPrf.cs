namespace Concentrator.Ike.Crypto;

/// <summary>A pseudorandom function (RFC 7296 §2.13), transform type 2. Stateless and thread-safe: the key is
/// passed with every call because IKEv2 keys it with different values (nonces, SKEYSEED, SK_d, SK_p).</summary>
public interface IPrf
{
    PrfId Id { get; }

    /// <summary>Octets produced by one call (HMAC: the hash length).</summary>
    int OutputLength { get; }

    /// <summary>Length of SK_d, SK_pi and SK_pr (RFC 7296 §2.14: "the preferred key length of the PRF"),
    /// equal to <see cref="OutputLength"/> for the HMAC PRFs (RFC 4868 §2.1.2).</summary>
    int KeyLength { get; }

    /// <summary>Writes prf(key, data) into <paramref name="destination"/> (at least <see cref="OutputLength"/>
    /// octets) and returns <see cref="OutputLength"/>.</summary>
    int Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination);
}

public static class PrfExtensions
{
    /// <summary>prf(key, data) as a new array.</summary>
    public static byte[] Compute(this IPrf prf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var result = new byte[prf.OutputLength];
        prf.Compute(key, data, result);
        return result;
    }
}
