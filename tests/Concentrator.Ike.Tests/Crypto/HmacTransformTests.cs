using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class HmacTransformTests
{
    public static IEnumerable<object[]> PrfCases => VectorFile.Names("hmac-rfc4868.txt", "PRF-");

    public static IEnumerable<object[]> AuthCases => VectorFile.Names("hmac-rfc4868.txt", "AUTH-");

    private static PrfId PrfFor(string name) => name switch
    {
        "PRF-SHA256" => PrfId.HmacSha2_256,
        "PRF-SHA384" => PrfId.HmacSha2_384,
        _ => PrfId.HmacSha2_512,
    };

    private static IntegrityId IntegrityFor(string name) => name switch
    {
        "AUTH-SHA256" => IntegrityId.HmacSha2_256_128,
        "AUTH-SHA384" => IntegrityId.HmacSha2_384_192,
        _ => IntegrityId.HmacSha2_512_256,
    };

    [Theory]
    [MemberData(nameof(PrfCases))]
    public void Prf_Rfc4868Vector_MatchesFullOutput(string name, int index)
    {
        VectorFile.Block v = VectorFile.Read("hmac-rfc4868.txt")[index];
        IPrf prf = TransformRegistry.Prf(PrfFor(name));

        byte[] output = prf.Compute(v.Hex("key"), v.Hex("data"));

        Assert.Equal(Convert.ToHexStringLower(v.Hex("out")), Convert.ToHexStringLower(output));
        Assert.Equal(prf.OutputLength, output.Length);
    }

    [Theory]
    [MemberData(nameof(AuthCases))]
    public void Integrity_Rfc4868Vector_MatchesTruncatedOutput(string name, int index)
    {
        VectorFile.Block v = VectorFile.Read("hmac-rfc4868.txt")[index];
        IIntegrity integrity = TransformRegistry.Integrity(IntegrityFor(name));
        byte[] key = v.Hex("key");
        Assert.Equal(integrity.KeyLength, key.Length);

        var icv = new byte[integrity.IcvLength];
        integrity.Compute(key, v.Hex("data"), icv);

        Assert.Equal(Convert.ToHexStringLower(v.Hex("out")), Convert.ToHexStringLower(icv));
    }

    [Fact]
    public void Integrity_HmacSha1_96_IsFirstTwelveOctetsOfHmacSha1()
    {
        // RFC 2404 §2: HMAC-SHA-1-96 is HMAC-SHA-1 truncated to its first 96 bits, keyed with 160 bits.
        IIntegrity integrity = TransformRegistry.Integrity(IntegrityId.HmacSha1_96);
        byte[] key = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
        byte[] data = "Test With Truncation"u8.ToArray();
        var icv = new byte[12];

        integrity.Compute(key, data, icv);

#pragma warning disable CA5350
        byte[] full = System.Security.Cryptography.HMACSHA1.HashData(key, data);
#pragma warning restore CA5350
        Assert.Equal(full[..12], icv);
        Assert.Equal(20, integrity.KeyLength);
    }
}
