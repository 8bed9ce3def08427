using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>RFC 7296 §2.17 CHILD SA keys: KEYMAT = prf+(SK_d, Ni | Nr) with the nonces of the exchange that made
/// the CHILD SA, cut into the sizes of the ESP proposal strongSwan's responder accepted, equals charon's ESP keys
/// for the IKE_AUTH CHILD SA and for the one made by the CREATE_CHILD_SA rekey (no PFS in these scenarios).</summary>
public sealed class StrongSwanChildKeyTests
{
    public static TheoryData<string> Scenarios => StrongSwanScenario.ScenarioData();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void DeriveChild_IkeAuthChildSa_ReproducesStrongSwansEspKeys(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        IkeMessage response = suite.Decrypt(s, s.AuthResponse);

        // the CHILD SA of IKE_AUTH takes the nonces of IKE_SA_INIT
        AssertChildKeys(s, suite, response.Get<SaPayload>()!, s.NonceI, s.NonceR, s.ChildSas[0]);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void DeriveChild_RekeyedChildSa_NoncesFromCreateChildSa_ReproducesStrongSwansEspKeys(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        IkeMessage request = suite.Decrypt(s, s.RekeyRequest);
        IkeMessage response = suite.Decrypt(s, s.RekeyResponse);
        Assert.NotNull(request.GetNotify(NotifyType.RekeySa));
        Assert.Null(request.Get<KePayload>());

        byte[] ni = request.Get<NoncePayload>()!.Data.ToArray();
        byte[] nr = response.Get<NoncePayload>()!.Data.ToArray();

        AssertChildKeys(s, suite, response.Get<SaPayload>()!, ni, nr, s.ChildSas[1]);
    }

    private static void AssertChildKeys(StrongSwanScenario s, StrongSwanSuite suite, SaPayload accepted,
        byte[] ni, byte[] nr, CapturedChildKeys expected)
    {
        Proposal esp = Assert.Single(accepted.Proposals);
        Transform encryption = esp.Transforms.Single(t => t.Type == TransformType.Encryption);
        Transform? integrity = esp.Transforms.Where(t => t.Type == TransformType.Integrity && t.Id != 0)
            .Select(t => (Transform?)t).SingleOrDefault();
        int encryptionKeyLength = TransformRegistry.Encryption((EncryptionId)encryption.Id, encryption.KeyLength).KeyLength;
        int integrityKeyLength = integrity is { } i ? TransformRegistry.Integrity((IntegrityId)i.Id).KeyLength : 0;
        Assert.Equal(Convert.ToHexString([.. ni, .. nr]), Convert.ToHexString(expected.Seed));

        using IkeKeymat keymat = IkeKeymat.FromSkeyseed(suite.Prf, suite.Encryption, suite.Integrity, s.Skeyseed,
            s.NonceI, s.NonceR, s.SpiI, s.SpiR);
        using ChildKeymat child = keymat.DeriveChild(encryptionKeyLength, integrityKeyLength, [], ni, nr);

        Assert.Equal(Convert.ToHexString(expected.EncryptionI), Convert.ToHexString(child.InitiatorEncryptionKey));
        Assert.Equal(Convert.ToHexString(expected.IntegrityI), Convert.ToHexString(child.InitiatorIntegrityKey));
        Assert.Equal(Convert.ToHexString(expected.EncryptionR), Convert.ToHexString(child.ResponderEncryptionKey));
        Assert.Equal(Convert.ToHexString(expected.IntegrityR), Convert.ToHexString(child.ResponderIntegrityKey));
    }
}
