using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

public class ProposalStringsTests
{
    [Fact]
    public void Parse_AeadIkeProposal_HasEncryptionPrfAndGroupOnly()
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519");

        Assert.Equal(
            [
                new Transform(TransformType.Encryption, (ushort)EncryptionId.AesGcm16, 256),
                new Transform(TransformType.Prf, (ushort)PrfId.HmacSha2_256),
                new Transform(TransformType.KeyExchange, (ushort)KeyExchangeId.Curve25519),
            ],
            p.Transforms);
    }

    [Fact]
    public void Parse_CbcIkeProposalWithoutPrf_TakesPrfFromIntegrity()
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Ike, "aes256-sha256-ecp256");

        Assert.Contains(new Transform(TransformType.Prf, (ushort)PrfId.HmacSha2_256), p.Transforms);
        Assert.Contains(new Transform(TransformType.Integrity, (ushort)IntegrityId.HmacSha2_256_128), p.Transforms);
        Assert.Contains(new Transform(TransformType.Encryption, (ushort)EncryptionId.AesCbc, 256), p.Transforms);
        Assert.Contains(new Transform(TransformType.KeyExchange, (ushort)KeyExchangeId.Ecp256), p.Transforms);
    }

    [Fact]
    public void Parse_WindowsDefaultIkeProposal_AesCbcSha1Modp1024()
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Ike, "aes256-sha1-modp1024");

        Assert.Equal(
            [
                new Transform(TransformType.Encryption, (ushort)EncryptionId.AesCbc, 256),
                new Transform(TransformType.Prf, (ushort)PrfId.HmacSha1),
                new Transform(TransformType.Integrity, (ushort)IntegrityId.HmacSha1_96),
                new Transform(TransformType.KeyExchange, 2),
            ],
            p.Transforms);
    }

    [Fact]
    public void Parse_WindowsDefaultEspProposal_HmacSha1With96BitIcv()
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Esp, "aes256-sha1");

        Assert.Equal(
            [
                new Transform(TransformType.Encryption, (ushort)EncryptionId.AesCbc, 256),
                new Transform(TransformType.Integrity, 2),
                new Transform(TransformType.ExtendedSequenceNumbers, 0),
            ],
            p.Transforms);
        Assert.Equal(12, TransformRegistry.Integrity(IntegrityId.HmacSha1_96).IcvLength);
    }

    [Fact]
    public void Parse_ChaCha_HasNoKeyLength()
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Ike, "chacha20poly1305-prfsha256-modp2048");

        Assert.Equal(new Transform(TransformType.Encryption, (ushort)EncryptionId.ChaCha20Poly1305), p.Transforms[0]);
        Assert.Equal(0, p.Transforms[0].KeyLength);
        Assert.Contains(new Transform(TransformType.KeyExchange, (ushort)KeyExchangeId.Modp2048), p.Transforms);
    }

    [Theory]
    [InlineData("aes256gcm16", 2)]
    [InlineData("aes256-sha256", 3)]
    [InlineData("aes128gcm16-aes256gcm16-esn", 3)]
    public void Parse_EspProposal_AddsNoEsnUnlessGiven(string text, int count)
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Esp, text);

        Assert.Equal(count, p.Transforms.Count);
        Assert.Single(p.Transforms, t => t.Type == TransformType.ExtendedSequenceNumbers);
        Assert.DoesNotContain(p.Transforms, t => t.Type == TransformType.Prf);
    }

    [Theory]
    [InlineData("aes256gcm16-x25519")]            // AEAD IKE without PRF
    [InlineData("aes256-prfsha256-x25519")]       // CBC without integrity
    [InlineData("aes256-sha256")]                 // IKE without group
    [InlineData("blowfish-sha256-x25519")]
    [InlineData("aes256gcm16-aes256-sha256-prfsha256-x25519")]
    public void Parse_InvalidIkeProposal_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => ProposalStrings.ParseOne(ProtocolId.Ike, text));

    [Fact]
    public void Parse_AeadIkeProposalWithHash_HashNamesThePrfOnly()
    {
        Proposal p = ProposalStrings.ParseOne(ProtocolId.Ike, "aes256gcm16-sha384-ecp384");

        Assert.Contains(new Transform(TransformType.Prf, (ushort)PrfId.HmacSha2_384), p.Transforms);
        Assert.DoesNotContain(p.Transforms, t => t.Type == TransformType.Integrity);
        Assert.Throws<FormatException>(() => ProposalStrings.ParseOne(ProtocolId.Esp, "aes256gcm16-sha256"));
    }

    [Fact]
    public void Parse_SeveralStrings_NumbersProposalsFromOne()
    {
        IReadOnlyList<Proposal> list = ProposalStrings.Parse(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256");

        Assert.Equal([1, 2], list.Select(p => (int)p.Number));
        Assert.All(list, p => Assert.Equal(ProtocolId.Ike, p.Protocol));
    }
}
