using System.Buffers.Binary;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>RFC 7296 §2.1-§2.3 on the responder: retransmissions, the window, and inputs that must be dropped.</summary>
public class MessageWindowTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    [Fact]
    public void Request_IkeAuthRetransmitted_IdenticalResponseAndNoSecondChildSa()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] authRequest = pair.Wire[2].Datagram;

        IkeSaResult again = pair.Responder.Process(authRequest, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(pair.Wire[3].Datagram, again.Message);
        Assert.Single(pair.ResponderInstalled);
        Assert.Single(pair.Responder.VirtualIps);
    }

    [Fact]
    public void Request_IkeSaInitRetransmitted_IdenticalResponse()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult first = pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        IkeSaResult second = pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(first.Message, second.Message);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        Assert.True(pair.Responder.IsHalfOpen);
    }

    [Fact]
    public void Request_OldMessageIdAfterNewerExchange_AnsweredFromStoredResponseOnlyForTheLastOne()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] dpd = pair.Initiator.InitiateDpd().Message!;
        byte[] dpdResponse = pair.Responder.Process(dpd, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!;

        Assert.Equal(dpdResponse, pair.Responder.Process(dpd, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message);
        // Message ID 1 is two behind now: outside the window of one.
        IkeSaResult old = pair.Responder.Process(pair.Wire[2].Datagram, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Assert.Equal(DropReason.OutOfWindow, old.Drop);
    }

    [Fact]
    public void Request_MessageIdAheadOfWindow_Dropped()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] dpd = pair.Initiator.InitiateDpd().Message!;
        BinaryPrimitives.WriteUInt32BigEndian(dpd.AsSpan(20), 7);

        IkeSaResult result = pair.Responder.Process(dpd, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.OutOfWindow, result.Drop);
        Assert.Empty(result.Outbound);
    }

    [Fact]
    public void Request_TamperedCiphertext_IntegrityCheckFailedThenOriginalStillAccepted()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult r1 = pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        byte[] auth = pair.Initiator.Process(r1.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Message!;
        byte[] tampered = (byte[])auth.Clone();
        tampered[^5] ^= 0x01;

        Assert.Equal(DropReason.IntegrityCheckFailed, pair.Responder.Process(tampered, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Drop);
        IkeSaResult ok = pair.Responder.Process(auth, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Assert.Equal(DropReason.None, ok.Drop);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void Request_OtherSpis_WrongSpi()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] dpd = pair.Initiator.InitiateDpd().Message!;
        dpd[9] ^= 0xFF; // responder SPI

        Assert.Equal(DropReason.WrongSpi, pair.Responder.Process(dpd, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Drop);
    }

    [Fact]
    public void Request_IkeAuthBeforeIkeSaInit_WrongState()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        using var fresh = IkeSa.CreateResponder(pair.Responder.Config, pair.ResponderServices, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        IkeSaResult result = fresh.Process(pair.Wire[2].Datagram, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.WrongState, result.Drop);
    }

    [Fact]
    public void Response_WithoutOutstandingRequest_OutOfWindow()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();

        IkeSaResult result = pair.Initiator.Process(pair.Wire[3].Datagram, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        Assert.Equal(DropReason.OutOfWindow, result.Drop);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    public void Request_NotIke_Malformed(byte[] datagram)
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);

        Assert.Equal(DropReason.Malformed, pair.Responder.Process(datagram, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Drop);
    }

    [Fact]
    public void Mutations_OfEveryMessage_NeverThrowAndNeverEstablishAnotherChildSa()
    {
        var random = new Random(1234);
        for (int index = 0; index < 4; index++)
        {
            for (int round = 0; round < 60; round++)
            {
                using SaPair pair = SaPair.RoadWarrior(Ike);
                // Bring the pair to the point where message #index is expected, then feed a mutated copy.
                IkeSaResult step = pair.Initiator.Initiate();
                byte[] next = step.Message!;
                for (int k = 0; k < index; k++)
                {
                    step = k % 2 == 0
                        ? pair.Responder.Process(next, SaPair.ClientEndpoint, SaPair.ServerEndpoint)
                        : pair.Initiator.Process(next, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
                    next = step.Message!;
                }

                byte[] mutated = (byte[])next.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++)
                {
                    mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
                }

                IkeSaResult result = index % 2 == 0
                    ? pair.Responder.Process(mutated, SaPair.ClientEndpoint, SaPair.ServerEndpoint)
                    : pair.Initiator.Process(mutated, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
                // A mutated message is either dropped or answered; a protected one can only be dropped.
                Assert.True(result.IsDropped || result.Outbound.Count > 0 || index == 1 || index == 3,
                    $"message {index} round {round}: neither dropped nor answered");
                if (index >= 2)
                {
                    Assert.True(result.IsDropped, $"protected message {index} round {round} accepted after mutation");
                }
                Assert.True(pair.ResponderInstalled.Count <= 1);
            }
        }
    }

    [Fact]
    public void Request_AuthenticatedButBreaksExchangeRules_AnsweredWithEncryptedInvalidSyntax()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult r1 = pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        pair.Initiator.Process(r1.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        // A Nonce has no place in an IKE_AUTH request (RFC 7296 §1.2).
        var bad = new IkeMessage(ExchangeType.IkeAuth, pair.Initiator.InitiatorSpi, pair.Initiator.ResponderSpi, 1, IkeHeaderFlags.Initiator);
        bad.Payloads.Add(new Concentrator.Ike.Encoding.Payloads.EncryptedPayload([new Concentrator.Ike.Encoding.Payloads.NoncePayload(new byte[32])]));
        byte[] datagram = bad.ToEncryptedArray(pair.Initiator.Ciphers!.Outbound);

        IkeSaResult result = pair.Responder.Process(datagram, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        IkeMessage response = IkeMessage.Parse(result.Message!);
        Assert.True(response.TryDecrypt(pair.Initiator.Ciphers.Inbound));
        Assert.Equal(NotifyType.InvalidSyntax, Assert.IsType<Concentrator.Ike.Encoding.Payloads.NotifyPayload>(Assert.Single(response.Content)).NotifyType);
        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
    }

    [Fact]
    public void Request_CreateChildSaWithoutSpisOrSelectors_RefusedWithNoProposalChosenIkeSaStaysUp()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        var request = new IkeMessage(ExchangeType.CreateChildSa, pair.Initiator.InitiatorSpi, pair.Initiator.ResponderSpi, 2, IkeHeaderFlags.Initiator);
        request.Payloads.Add(new Concentrator.Ike.Encoding.Payloads.EncryptedPayload(
        [
            new Concentrator.Ike.Encoding.Payloads.SaPayload([.. pair.Initiator.Config.EspProposals]),
            new Concentrator.Ike.Encoding.Payloads.NoncePayload(new byte[32]),
        ]));

        IkeSaResult result = pair.Responder.Process(request.ToEncryptedArray(pair.Initiator.Ciphers!.Outbound),
            SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        IkeMessage response = IkeMessage.Parse(result.Message!);
        Assert.True(response.TryDecrypt(pair.Initiator.Ciphers.Inbound));
        // An additional CHILD SA (no REKEY_SA) is served now, but proposals without an SPI (and no TSi/TSr) are not.
        Assert.NotNull(response.GetNotify(NotifyType.NoProposalChosen));
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Single(pair.Responder.ChildSas);
    }

    [Fact]
    public void Request_RetransmittedAfterAuthenticationFailed_SameErrorResponseAgain()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, clientPsk: "wrong");
        pair.Run();
        Assert.Equal(IkeSaState.Failed, pair.Responder.State);

        IkeSaResult again = pair.Responder.Process(pair.Wire[2].Datagram, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(pair.Wire[3].Datagram, again.Message);
    }

    [Fact]
    public void Request_SameMessageIdDifferentOctets_NotTreatedAsRetransmission()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] dpd = pair.Initiator.InitiateDpd().Message!;
        pair.Responder.Process(dpd, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        // A second liveness check sealed under the same Message ID: new IV, so other octets.
        var other = new IkeMessage(ExchangeType.Informational, pair.Initiator.InitiatorSpi, pair.Initiator.ResponderSpi, 2, IkeHeaderFlags.Initiator);
        other.Payloads.Add(new Concentrator.Ike.Encoding.Payloads.EncryptedPayload([]));

        IkeSaResult result = pair.Responder.Process(other.ToEncryptedArray(pair.Initiator.Ciphers!.Outbound),
            SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.OutOfWindow, result.Drop);
    }
}
