using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>
/// RFC 7296 §2.15 PSK authentication against strongSwan: the AUTH value in each IKE_AUTH message equals
/// prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | peer's Nonce | prf(SK_p, ID')) as our code computes it from
/// the captured IKE_SA_INIT octets.
/// </summary>
public sealed class StrongSwanAuthTests
{
    public static TheoryData<string> Scenarios => StrongSwanScenario.ScenarioData();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void SharedKeyAuth_InitiatorWithLoggedSkPi_EqualsStrongSwansAuth(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        IkeMessage request = suite.Decrypt(s, s.AuthRequest);
        IdPayload idi = request.GetAll<IdPayload>().Single(p => p.IsInitiator);

        // initiator: its IKE_SA_INIT request, the responder's nonce, prf(SK_pi, IDi')
        byte[] octets = AuthOctets.SignedOctets(suite.Prf, s.SkPi, s.InitRequest.Bytes, s.NonceR, StrongSwanSuite.Body(idi));
        byte[] auth = AuthOctets.SharedKeyAuth(suite.Prf, s.Psk, octets);

        Assert.Equal(Convert.ToHexString(request.Get<AuthPayload>()!.Data.Span), Convert.ToHexString(auth));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void SharedKeyAuth_ResponderWithLoggedSkPr_EqualsStrongSwansAuth(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        IkeMessage response = suite.Decrypt(s, s.AuthResponse);
        IdPayload idr = response.Get<IdPayload>()!;

        // responder: its IKE_SA_INIT response, the initiator's nonce, prf(SK_pr, IDr')
        byte[] octets = AuthOctets.SignedOctets(suite.Prf, s.SkPr, s.InitResponse.Bytes, s.NonceI, StrongSwanSuite.Body(idr));
        byte[] auth = AuthOctets.SharedKeyAuth(suite.Prf, s.Psk, octets);

        Assert.Equal(Convert.ToHexString(response.Get<AuthPayload>()!.Data.Span), Convert.ToHexString(auth));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void VerifySharedKeyAuth_KeymatDerivedFromSharedSecret_AcceptsBothAndRejectsWrongPsk(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        using IkeKeymat keymat = IkeKeymat.Derive(suite.Prf, suite.Encryption, suite.Integrity, s.SharedSecret,
            s.NonceI, s.NonceR, s.SpiI, s.SpiR);
        IkeMessage request;
        IkeMessage response;
        using (SkCipherPair responderSide = keymat.CreateSkCiphers(isInitiator: false))
        using (SkCipherPair initiatorSide = keymat.CreateSkCiphers(isInitiator: true))
        {
            request = IkeMessage.Parse(s.AuthRequest.Bytes);
            response = IkeMessage.Parse(s.AuthResponse.Bytes);
            Assert.True(request.TryDecrypt(responderSide.Inbound));
            Assert.True(response.TryDecrypt(initiatorSide.Inbound));
        }

        byte[] initiatorOctets = keymat.SignedOctets(true, s.InitRequest.Bytes, s.NonceR,
            IkeIdentity.Parse(s.IdI).PayloadBody());
        byte[] responderOctets = keymat.SignedOctets(false, s.InitResponse.Bytes, s.NonceI,
            IkeIdentity.Parse(s.IdR).PayloadBody());
        ReadOnlySpan<byte> authI = request.Get<AuthPayload>()!.Data.Span;
        ReadOnlySpan<byte> authR = response.Get<AuthPayload>()!.Data.Span;

        Assert.True(AuthOctets.VerifySharedKeyAuth(keymat.Prf, s.Psk, initiatorOctets, authI));
        Assert.True(AuthOctets.VerifySharedKeyAuth(keymat.Prf, s.Psk, responderOctets, authR));
        byte[] wrongPsk = [.. s.Psk[..^1], (byte)(s.Psk[^1] ^ 1)];
        Assert.False(AuthOctets.VerifySharedKeyAuth(keymat.Prf, wrongPsk, initiatorOctets, authI));
        // the two directions sign different octets: the initiator's AUTH does not pass as the responder's
        Assert.False(AuthOctets.VerifySharedKeyAuth(keymat.Prf, s.Psk, responderOctets, authI));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void PayloadBody_OurIdentityEncoding_EqualsStrongSwansIdPayloads(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        IkeMessage request = suite.Decrypt(s, s.AuthRequest);
        IkeMessage response = suite.Decrypt(s, s.AuthResponse);

        Assert.Equal(StrongSwanSuite.Body(request.GetAll<IdPayload>().Single(p => p.IsInitiator)), IkeIdentity.Parse(s.IdI).PayloadBody());
        Assert.Equal(StrongSwanSuite.Body(response.Get<IdPayload>()!), IkeIdentity.Parse(s.IdR).PayloadBody());
    }
}
