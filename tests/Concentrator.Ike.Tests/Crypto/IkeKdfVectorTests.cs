using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

/// <summary>NIST SP 800-135 IKEv2 KDF known answers (TestData/vectors/ikev2-kdf.rsp).</summary>
public class IkeKdfVectorTests
{
    public static IEnumerable<object[]> Blocks => VectorFile.Names("ikev2-kdf.rsp", "SHA-");

    private static (VectorFile.Block V, IPrf Prf) Load(int index)
    {
        VectorFile.Block v = VectorFile.Read("ikev2-kdf.rsp")[index];
        PrfId id = v.Name switch
        {
            "SHA-1" => PrfId.HmacSha1,
            "SHA-256" => PrfId.HmacSha2_256,
            "SHA-384" => PrfId.HmacSha2_384,
            _ => PrfId.HmacSha2_512,
        };
        return (v, TransformRegistry.Prf(id));
    }

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Skeyseed_Sp800135Vector_Matches(string name, int index)
    {
        (VectorFile.Block v, IPrf prf) = Load(index);

        byte[] skeyseed = IkeKeymat.ComputeSkeyseed(prf, v.Hex("g^ir"), v.Hex("Ni"), v.Hex("Nr"));

        Assert.Equal(Hex(v.Hex("SKEYSEED")), Hex(skeyseed));
        Assert.NotEmpty(name);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Dkm_Sp800135Vector_Matches(string name, int index)
    {
        (VectorFile.Block v, IPrf prf) = Load(index);
        byte[] seed = [.. v.Hex("Ni"), .. v.Hex("Nr"), .. v.Hex("SPIi"), .. v.Hex("SPIr")];

        byte[] dkm = PrfPlus.Derive(prf, v.Hex("SKEYSEED"), seed, v.Int("DKM length"));

        Assert.Equal(Hex(v.Hex("DKM")), Hex(dkm));
        Assert.NotEmpty(name);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void RekeySkeyseed_Sp800135Vector_UsesOldSkD(string name, int index)
    {
        (VectorFile.Block v, IPrf prf) = Load(index);
        byte[] skD = v.Hex("DKM")[..prf.KeyLength];

        byte[] skeyseed = IkeKeymat.ComputeRekeySkeyseed(prf, skD, v.Hex("g^ir (new)"), v.Hex("Ni"), v.Hex("Nr"));

        Assert.Equal(Hex(v.Hex("SKEYSEED(Rekey)")), Hex(skeyseed));
        Assert.NotEmpty(name);
    }

    [Fact]
    public void ChildKeymat_Sp800135VectorWithoutPfs_Matches()
    {
        (VectorFile.Block v, IPrf prf) = Load(0);
        byte[] skD = v.Hex("DKM")[..prf.KeyLength];

        byte[] keymat = ChildKeymat.DeriveKeymat(prf, skD, [], v.Hex("Ni"), v.Hex("Nr"), v.Int("DKM length"));

        Assert.Equal(Hex(v.Hex("DKM(Child SA)")), Hex(keymat));
    }

    [Fact]
    public void ChildKeymat_Sp800135VectorWithPfs_Matches()
    {
        (VectorFile.Block v, IPrf prf) = Load(0);
        byte[] skD = v.Hex("DKM")[..prf.KeyLength];

        byte[] keymat = ChildKeymat.DeriveKeymat(prf, skD, v.Hex("g^ir (new)"), v.Hex("Ni"), v.Hex("Nr"), v.Int("DKM length"));

        Assert.Equal(Hex(v.Hex("DKM(Child SA D-H)")), Hex(keymat));
    }

    [Fact]
    public void IkeKeymat_Sp800135Vector_SevenKeysAreConsecutiveSlicesOfDkm()
    {
        // SHA-1 PRF + AES-CBC-128 + HMAC-SHA1-96: 3·20 + 2·20 + 2·16 = 132 octets, exactly the vector's DKM.
        (VectorFile.Block v, IPrf prf) = Load(0);
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.AesCbc, 128);
        IIntegrity integ = TransformRegistry.Integrity(IntegrityId.HmacSha1_96);
        byte[] dkm = v.Hex("DKM");
        Assert.Equal(dkm.Length, IkeKeymat.KeymatLength(prf, encr, integ));

        using IkeKeymat keymat = IkeKeymat.Derive(prf, encr, integ, v.Hex("g^ir"), v.Hex("Ni"), v.Hex("Nr"), v.Hex("SPIi"), v.Hex("SPIr"));

        Assert.Equal(dkm[..20], keymat.SkD.ToArray());
        Assert.Equal(dkm[20..40], keymat.SkAi.ToArray());
        Assert.Equal(dkm[40..60], keymat.SkAr.ToArray());
        Assert.Equal(dkm[60..76], keymat.SkEi.ToArray());
        Assert.Equal(dkm[76..92], keymat.SkEr.ToArray());
        Assert.Equal(dkm[92..112], keymat.SkPi.ToArray());
        Assert.Equal(dkm[112..132], keymat.SkPr.ToArray());
    }

    [Fact]
    public void IkeKeymat_RekeyedFromVector_StartsFromRekeySkeyseed()
    {
        (VectorFile.Block v, IPrf prf) = Load(0);
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.AesCbc, 128);
        IIntegrity integ = TransformRegistry.Integrity(IntegrityId.HmacSha1_96);
        using IkeKeymat old = IkeKeymat.Derive(prf, encr, integ, v.Hex("g^ir"), v.Hex("Ni"), v.Hex("Nr"), v.Hex("SPIi"), v.Hex("SPIr"));
        byte[] newSpiI = [1, 2, 3, 4, 5, 6, 7, 8];
        byte[] newSpiR = [9, 10, 11, 12, 13, 14, 15, 16];

        using IkeKeymat rekeyed = old.DeriveRekeyed(prf, encr, integ, v.Hex("g^ir (new)"), v.Hex("Ni"), v.Hex("Nr"), newSpiI, newSpiR);

        byte[] expected = PrfPlus.Derive(prf, v.Hex("SKEYSEED(Rekey)"), [.. v.Hex("Ni"), .. v.Hex("Nr"), .. newSpiI, .. newSpiR], 132);
        Assert.Equal(expected[..20], rekeyed.SkD.ToArray());
        Assert.Equal(expected[112..], rekeyed.SkPr.ToArray());
    }
}
