using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

public class ProposalSelectionTests
{
    private static IReadOnlyList<Proposal> Ike(params string[] s) => ProposalStrings.Parse(ProtocolId.Ike, s);

    [Fact]
    public void Select_OperatorOrderWins_OverPeerOrder()
    {
        IReadOnlyList<Proposal> ours = Ike("aes256-sha256-ecp256", "aes256gcm16-prfsha256-x25519");
        IReadOnlyList<Proposal> peer = Ike("aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256");

        Proposal? chosen = Proposals.Select(ours, peer);

        Assert.NotNull(chosen);
        Assert.Equal(2, chosen.Number); // the peer's number of the proposal that matched ours #1
        Assert.Equal((ushort)EncryptionId.AesCbc, Proposals.Get(chosen, TransformType.Encryption)!.Value.Id);
    }

    [Fact]
    public void Select_TransformsOfOneTypeAreAlternatives_ReplyHasOneOfEach()
    {
        IReadOnlyList<Proposal> ours = Ike("aes256gcm16-prfsha384-ecp384-x25519");
        IReadOnlyList<Proposal> peer = Ike("aes128gcm16-aes256gcm16-prfsha256-prfsha384-x25519-ecp256");

        Proposal chosen = Proposals.Select(ours, peer)!;

        Assert.Equal(3, chosen.Transforms.Count);
        Assert.Equal(new Transform(TransformType.Encryption, (ushort)EncryptionId.AesGcm16, 256), chosen.Transforms[0]);
        Assert.Equal((ushort)PrfId.HmacSha2_384, Proposals.Get(chosen, TransformType.Prf)!.Value.Id);
        Assert.Equal((ushort)KeyExchangeId.Curve25519, Proposals.Get(chosen, TransformType.KeyExchange)!.Value.Id);
    }

    [Fact]
    public void Select_KeyLengthDiffers_NoMatch()
    {
        Assert.Null(Proposals.Select(Ike("aes256gcm16-prfsha256-x25519"), Ike("aes128gcm16-prfsha256-x25519")));
    }

    [Fact]
    public void Select_OneTypeMissingInCommon_NoMatch()
    {
        // Types are AND'ed: same cipher and PRF but no common group.
        Assert.Null(Proposals.Select(Ike("aes256gcm16-prfsha256-x25519"), Ike("aes256gcm16-prfsha256-modp2048")));
    }

    [Fact]
    public void Select_PreferredGroupAcceptedByBoth_WinsOverOperatorOrder()
    {
        IReadOnlyList<Proposal> ours = Ike("aes256gcm16-prfsha256-x25519-ecp256");
        IReadOnlyList<Proposal> peer = Ike("aes256gcm16-prfsha256-ecp256-x25519");

        Assert.Equal((ushort)KeyExchangeId.Curve25519,
            Proposals.Get(Proposals.Select(ours, peer)!, TransformType.KeyExchange)!.Value.Id);
        Assert.Equal((ushort)KeyExchangeId.Ecp256,
            Proposals.Get(Proposals.Select(ours, peer, preferredGroup: 19)!, TransformType.KeyExchange)!.Value.Id);
    }

    [Fact]
    public void Select_PeerTransformWithUnknownType_RejectsThatProposal()
    {
        Proposal odd = Ike("aes256gcm16-prfsha256-x25519")[0];
        odd.Transforms.Add(new Transform((TransformType)250, 1));

        Assert.Null(Proposals.Select(Ike("aes256gcm16-prfsha256-x25519"), [odd]));
    }

    [Fact]
    public void Select_EspWithPfsGroupInIkeAuth_IgnoresKeyExchange()
    {
        IReadOnlyList<Proposal> ours = ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16-x25519");
        IReadOnlyList<Proposal> peer = ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16");

        Assert.Null(Proposals.Select(ours, peer));
        Proposal chosen = Proposals.Select(ours, peer, ignoreKeyExchange: true)!;
        Assert.DoesNotContain(chosen.Transforms, t => t.Type == TransformType.KeyExchange);
        Assert.Contains(new Transform(TransformType.ExtendedSequenceNumbers, 0), chosen.Transforms);
    }

    [Fact]
    public void Select_ProtocolsDiffer_NoMatch()
    {
        Assert.Null(Proposals.Select(ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16"), Ike("aes256gcm16-prfsha256-x25519")));
    }

    [Fact]
    public void IsAcceptableChoice_TransformNotOffered_False()
    {
        IReadOnlyList<Proposal> ours = Ike("aes256gcm16-prfsha256-x25519");
        Proposal reply = Proposals.Select(ours, ours)!;
        Assert.True(Proposals.IsAcceptableChoice(ours, [reply]));

        var forged = new Proposal(1, ProtocolId.Ike, default,
            new Transform(TransformType.Encryption, (ushort)EncryptionId.AesGcm16, 128),
            new Transform(TransformType.Prf, (ushort)PrfId.HmacSha2_256),
            new Transform(TransformType.KeyExchange, (ushort)KeyExchangeId.Curve25519));
        Assert.False(Proposals.IsAcceptableChoice(ours, [forged]));
        Assert.False(Proposals.IsAcceptableChoice(ours, [reply, reply]));
    }

    [Fact]
    public void IkeAlgorithms_FromChosenProposal_ResolvesCryptoObjects()
    {
        Proposal chosen = Proposals.Select(Ike("aes256-sha256-ecp256"), Ike("aes256-sha256-ecp256"))!;

        IkeAlgorithms algorithms = IkeAlgorithms.From(chosen)!;

        Assert.Equal(EncryptionId.AesCbc, algorithms.Encryption.Id);
        Assert.Equal(256, algorithms.Encryption.KeyBits);
        Assert.Equal(IntegrityId.HmacSha2_256_128, algorithms.Integrity!.Id);
        Assert.Equal(PrfId.HmacSha2_256, algorithms.Prf.Id);
        Assert.Equal(KeyExchangeId.Ecp256, algorithms.Group);
    }
}
