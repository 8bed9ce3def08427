using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>IKE SA rekeying with CREATE_CHILD_SA (RFC 7296 §1.3.2, §2.18): our initiator task against our responder task.</summary>
public class IkeRekeyTests
{
    [Theory]
    [InlineData("aes256gcm16-prfsha256-x25519")]
    [InlineData("aes256-sha256-ecp256")]
    public void Rekey_ThenDeleteOld_NewSaCarriesChildrenAndLeaseAndWorks(string ike)
    {
        var allocator = new ListAllocator("10.99.0.1");
        using SaPair pair = SaPair.RoadWarrior(ike, allocator: allocator);
        pair.Run();
        IkeSa oldI = pair.Initiator, oldR = pair.Responder;
        ChildSa child = oldR.ChildSas[0];

        IkeSaResult request = oldI.InitiateRekey();
        IkeSaResult answer = oldR.Process(request.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult done = oldI.Process(answer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        using IkeSa newR = answer.Rekeyed!;
        using IkeSa newI = done.Rekeyed!;
        Assert.Same(newR, oldR.RekeyedTo);
        // §2.18: new SPIs on both sides, the same new keys on both, different from the old ones.
        Assert.Equal(newI.InitiatorSpi, newR.InitiatorSpi);
        Assert.Equal(newI.ResponderSpi, newR.ResponderSpi);
        Assert.NotEqual(oldR.ResponderSpi, newR.ResponderSpi);
        Assert.NotEqual(oldR.InitiatorSpi, newR.InitiatorSpi);
        Assert.Equal(newI.Keymat!.SkD.ToArray(), newR.Keymat!.SkD.ToArray());
        Assert.NotEqual(oldR.Keymat!.SkD.ToArray(), newR.Keymat.SkD.ToArray());
        Assert.Same(child, Assert.Single(newR.ChildSas));
        Assert.Empty(oldR.ChildSas);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], newR.VirtualIps);
        Assert.Equal(IkeSaState.Established, newR.State);
        Assert.Equal(oldR.RemoteIdentity, newR.RemoteIdentity);

        // The rekey's initiator deletes the old SA: it ends without taking the CHILD SA or the lease with it.
        IkeSaResult delete = oldI.InitiateDelete();
        oldI.Process(oldR.Process(delete.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        oldR.Dispose();
        Assert.Equal(IkeSaState.Deleted, oldR.State);
        Assert.Empty(pair.ResponderUninstalled);
        Assert.Empty(allocator.Released);

        // The new pair works from Message ID 0: a liveness check, then a CHILD SA rekey under the new SK_d.
        IkeSaResult dpd = newI.InitiateDpd();
        Assert.Equal(0u, IkeHeader.Read(dpd.Message!).MessageId);
        Assert.Equal(DropReason.None, newI.Process(newR.Process(dpd.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!,
            SaPair.ServerEndpoint, SaPair.ClientEndpoint).Drop);
        IkeSaResult rekeyChild = newI.InitiateChildRekey(newI.ChildSas[0]);
        newI.Process(newR.Process(rekeyChild.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.Equal(2, newR.ChildSas.Count);
        Assert.Equal(newI.ChildSas[1].OutboundEncryptionKey, newR.ChildSas[1].InboundEncryptionKey);

        // The lease was taken by the first SA; its successor gives it back when it ends.
        newR.Dispose();
        Assert.Equal([IPAddress.Parse("10.99.0.1")], allocator.Released);
    }

    [Fact]
    public void Rekey_KeOfOtherGroup_InvalidKePayloadNamingOursAndSaStays()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519", serverIke: "aes256gcm16-prfsha256-x25519");
        pair.Run();
        IkeSaResult request = pair.Initiator.InitiateRekey();
        IkeMessage plain = IkeMessage.Parse(request.Message!);
        Assert.True(plain.TryDecrypt(pair.Responder.Ciphers!.Inbound));
        KePayload ke = plain.Get<KePayload>()!;
        ke.Group = 19;

        var forged = new IkeMessage(ExchangeType.CreateChildSa, pair.Initiator.InitiatorSpi, pair.Initiator.ResponderSpi,
            IkeHeader.Read(request.Message!).MessageId, IkeHeaderFlags.Initiator);
        forged.Payloads.Add(new EncryptedPayload([.. plain.Content]));
        IkeSaResult answer = pair.Responder.Process(forged.ToEncryptedArray(pair.Initiator.Ciphers!.Outbound), SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Assert.True(answer.Message is not null, $"{answer.Drop}: {answer.Detail}");

        IkeMessage response = IkeMessage.Parse(answer.Message!);
        Assert.True(response.TryDecrypt(pair.Initiator.Ciphers.Inbound));
        NotifyPayload invalidKe = Assert.Single(response.GetAll<NotifyPayload>());
        Assert.Equal(NotifyType.InvalidKePayload, invalidKe.NotifyType);
        Assert.Equal([0, 31], invalidKe.Data.ToArray());
        Assert.Null(answer.Rekeyed);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Single(pair.Responder.ChildSas);
    }
}
