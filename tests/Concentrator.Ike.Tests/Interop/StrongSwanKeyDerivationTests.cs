using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>Our RFC 7296 §2.14 key derivation, fed with what charon logged (g^ir, Ni, Nr, SPIs), reproduces the
/// SKEYSEED and the seven SK_* keys both strongSwan daemons logged.</summary>
public sealed class StrongSwanKeyDerivationTests
{
    public static TheoryData<string> Scenarios => StrongSwanScenario.ScenarioData();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void ComputeSkeyseed_LoggedSharedSecretAndNonces_EqualsStrongSwansSkeyseed(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);

        byte[] skeyseed = IkeKeymat.ComputeSkeyseed(suite.Prf, s.SharedSecret, s.NonceI, s.NonceR);

        Assert.Equal(Convert.ToHexString(s.Skeyseed), Convert.ToHexString(skeyseed));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Derive_LoggedSharedSecretNoncesSpis_ReproducesAllSevenKeys(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);

        using IkeKeymat keymat = IkeKeymat.Derive(suite.Prf, suite.Encryption, suite.Integrity, s.SharedSecret,
            s.NonceI, s.NonceR, s.SpiI, s.SpiR);

        Assert.Equal(Convert.ToHexString(s.SkD), Convert.ToHexString(keymat.SkD));
        Assert.Equal(Convert.ToHexString(s.SkAi), Convert.ToHexString(keymat.SkAi));
        Assert.Equal(Convert.ToHexString(s.SkAr), Convert.ToHexString(keymat.SkAr));
        Assert.Equal(Convert.ToHexString(s.SkEi), Convert.ToHexString(keymat.SkEi));
        Assert.Equal(Convert.ToHexString(s.SkEr), Convert.ToHexString(keymat.SkEr));
        Assert.Equal(Convert.ToHexString(s.SkPi), Convert.ToHexString(keymat.SkPi));
        Assert.Equal(Convert.ToHexString(s.SkPr), Convert.ToHexString(keymat.SkPr));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void FromSkeyseed_LoggedSkeyseed_SplitsLikeStrongSwan(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);

        using IkeKeymat keymat = IkeKeymat.FromSkeyseed(suite.Prf, suite.Encryption, suite.Integrity, s.Skeyseed,
            s.NonceI, s.NonceR, s.SpiI, s.SpiR);

        // the keymat length rule (3 PRF keys, 2 integrity keys, 2 encryption keys incl. AEAD salt) matches charon's
        Assert.Equal(s.SkD.Length + s.SkAi.Length + s.SkAr.Length + s.SkEi.Length + s.SkEr.Length + s.SkPi.Length + s.SkPr.Length,
            IkeKeymat.KeymatLength(suite.Prf, suite.Encryption, suite.Integrity));
        Assert.Equal(Convert.ToHexString(s.SkEr), Convert.ToHexString(keymat.SkEr));
        Assert.Equal(Convert.ToHexString(s.SkPr), Convert.ToHexString(keymat.SkPr));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void KeyExchangeMethod_StrongSwansGroup_LengthsMatchCapturedValues(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);

        IKeyExchangeMethod method = TransformRegistry.KeyExchange(suite.KeyExchange);

        Assert.Equal((KeyExchangeId)s.DhGroup, method.Id);
        Assert.Equal(method.PublicKeyLength, s.KeI.Length);
        Assert.Equal(method.PublicKeyLength, s.KeR.Length);
        Assert.Equal(method.SharedSecretLength, s.SharedSecret.Length);
    }
}
