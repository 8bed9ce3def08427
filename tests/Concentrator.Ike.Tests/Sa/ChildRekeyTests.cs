using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>CHILD SA rekeying with CREATE_CHILD_SA (RFC 7296 §1.3.3): our initiator task against our responder task.</summary>
public class ChildRekeyTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    private static IkeSaResult Exchange(SaPair pair, IkeSaResult request)
    {
        IkeSaResult answer = pair.Responder.Process(request.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Assert.Equal(DropReason.None, answer.Drop);
        IkeSaResult final = pair.Initiator.Process(answer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.Equal(DropReason.None, final.Drop);
        return answer;
    }

    [Theory]
    [InlineData("aes256gcm16")]
    [InlineData("aes256gcm16-x25519")]
    [InlineData("aes256-sha256-ecp256")]
    public void Rekey_ThenDeleteOld_BothSidesSwitchToNewKeysAndSpis(string esp)
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, esp);
        pair.Run();
        ChildSa oldI = pair.Initiator.ChildSas[0];
        ChildSa oldR = pair.Responder.ChildSas[0];

        Exchange(pair, pair.Initiator.InitiateChildRekey(oldI));

        // Both now hold old and new; the new pair's SPIs cross and its keys match crosswise, and they are new keys.
        ChildSa newI = pair.Initiator.ChildSas[1];
        ChildSa newR = Assert.Single(pair.ResponderInstalled.Skip(1));
        Assert.Equal(2, pair.Responder.ChildSas.Count);
        Assert.Equal(newI.InboundSpi, newR.OutboundSpi);
        Assert.Equal(newI.OutboundSpi, newR.InboundSpi);
        Assert.Equal(newI.OutboundEncryptionKey, newR.InboundEncryptionKey);
        Assert.Equal(newI.InboundEncryptionKey, newR.OutboundEncryptionKey);
        Assert.Equal(newI.OutboundIntegrityKey, newR.InboundIntegrityKey);
        Assert.NotEqual(oldR.InboundEncryptionKey, newR.InboundEncryptionKey);
        Assert.NotEqual(oldR.InboundSpi, newR.InboundSpi);
        Assert.Equal(oldR.InboundSpi, newR.ReplacesInboundSpi);
        Assert.Equal(oldI.InboundSpi, newI.ReplacesInboundSpi);
        Assert.Equal(oldR.LocalSelectors.Select(t => t.ToString()), newR.LocalSelectors.Select(t => t.ToString()));
        Assert.Equal(oldR.RemoteSelectors.Select(t => t.ToString()), newR.RemoteSelectors.Select(t => t.ToString()));
        Assert.Equal(oldR.Algorithms.ToString(), newR.Algorithms.ToString());

        IkeSaResult delete = pair.Initiator.InitiateChildDelete(oldI);
        pair.Initiator.Process(pair.Responder.Process(delete.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!,
            SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        Assert.Same(newR, Assert.Single(pair.Responder.ChildSas));
        Assert.Same(oldR, Assert.Single(pair.ResponderUninstalled));
        Assert.Same(newI, Assert.Single(pair.Initiator.ChildSas));
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void Rekey_WithPfs_RequestCarriesKeAndResponderAnswersWithItsOwn()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, "aes256gcm16-x25519");
        pair.Run();

        IkeSaResult request = pair.Initiator.InitiateChildRekey(pair.Initiator.ChildSas[0]);
        IkeSaResult answer = pair.Responder.Process(request.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        IkeMessage decrypted = IkeMessage.Parse(request.Message!);
        Assert.True(decrypted.TryDecrypt(pair.Responder.Ciphers!.Inbound));
        IkeMessage response = IkeMessage.Parse(answer.Message!);
        Assert.True(response.TryDecrypt(pair.Initiator.Ciphers!.Inbound));
        Assert.Equal((ushort)31, decrypted.Get<KePayload>()!.Group);
        Assert.Equal((ushort)31, response.Get<KePayload>()!.Group);
        Assert.NotNull(decrypted.GetNotify(NotifyType.RekeySa));
        // Both ends key the new CHILD SA from the exchange's g^ir and say so.
        IkeSaResult done = pair.Initiator.Process(answer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.Equal(Concentrator.Ike.Crypto.KeyExchangeId.Curve25519, Assert.Single(answer.NewChildSas).PfsGroup);
        Assert.Equal(Concentrator.Ike.Crypto.KeyExchangeId.Curve25519, Assert.Single(done.NewChildSas).PfsGroup);
        Assert.Equal(done.NewChildSas[0].OutboundEncryptionKey, answer.NewChildSas[0].InboundEncryptionKey);
    }

    [Fact]
    public void Rekey_UnknownSpi_ChildSaNotFoundAndNothingChanges()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        ChildSa real = pair.Initiator.ChildSas[0];
        ChildSa ghost = real with { InboundSpi = real.InboundSpi ^ 0x00FF_0000 };

        Exchange(pair, pair.Initiator.InitiateChildRekey(ghost));

        Assert.Equal(NotifyType.ChildSaNotFound, pair.Initiator.ChildFailureNotify);
        Assert.Single(pair.Responder.ChildSas);
        Assert.Single(pair.Initiator.ChildSas);
        Assert.Single(pair.ResponderInstalled);
    }

    [Fact]
    public void Rekey_StartedByIkeResponder_KeysOrderedByTheExchangesInitiator()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();

        // The gateway (IKE responder) starts this CREATE_CHILD_SA: it is the exchange's initiator.
        IkeSaResult request = pair.Responder.InitiateChildRekey(pair.Responder.ChildSas[0]);
        IkeSaResult answer = pair.Initiator.Process(request.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.Equal(DropReason.None, pair.Responder.Process(answer.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Drop);

        ChildSa gateway = pair.Responder.ChildSas[1];
        ChildSa client = pair.Initiator.ChildSas[1];
        IkeMessage sent = IkeMessage.Parse(request.Message!);
        Assert.True(sent.TryDecrypt(pair.Initiator.Ciphers!.Inbound));
        IkeMessage got = IkeMessage.Parse(answer.Message!);
        Assert.True(got.TryDecrypt(pair.Responder.Ciphers!.Inbound));
        // RFC 7296 §2.17: Ni is the exchange initiator's nonce, and its outbound keys are taken first.
        using var keymat = pair.Responder.Keymat!.DeriveChild(gateway.OutboundEncryptionKey.Length, 0, [],
            sent.Get<NoncePayload>()!.Data.Span, got.Get<NoncePayload>()!.Data.Span);
        Assert.Equal(keymat.InitiatorEncryptionKey.ToArray(), gateway.OutboundEncryptionKey);
        Assert.Equal(keymat.ResponderEncryptionKey.ToArray(), gateway.InboundEncryptionKey);
        Assert.Equal(gateway.OutboundEncryptionKey, client.InboundEncryptionKey);
        Assert.Equal(gateway.InboundEncryptionKey, client.OutboundEncryptionKey);
    }
}
