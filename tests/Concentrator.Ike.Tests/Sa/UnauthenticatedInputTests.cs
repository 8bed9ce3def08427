using System.Buffers.Binary;
using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Every way a datagram that does not pass the integrity check could change an SA (RFC 7296 §2.21.2,
/// RFC 7383 §2.6): the window, the stored response, fragment buffers, NAT float, Delete, responses to our requests.
/// Each such datagram is dropped and the SA goes on as if it never came.</summary>
public class UnauthenticatedInputTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    /// <summary>An SKF datagram with the SA's SPIs and the given Message ID but a body nobody sealed.</summary>
    internal static byte[] ForgedFragment(IkeSa sa, ExchangeType exchange, uint messageId, ushort number, ushort total,
        bool response = false)
    {
        var datagram = new byte[IkeConstants.HeaderLength + IkeConstants.FragmentPayloadHeaderLength + 64];
        BinaryPrimitives.WriteUInt64BigEndian(datagram, sa.InitiatorSpi);
        BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(8), sa.ResponderSpi);
        datagram[16] = (byte)PayloadType.EncryptedFragment;
        datagram[17] = 0x20;
        datagram[18] = (byte)exchange;
        datagram[19] = (byte)((sa.IsInitiator == response ? IkeHeaderFlags.Initiator : 0) | (response ? IkeHeaderFlags.Response : 0));
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(24), (uint)datagram.Length);
        datagram[28] = number == 1 ? (byte)PayloadType.IdInitiator : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(30), (ushort)(datagram.Length - IkeConstants.HeaderLength));
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(32), number);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(34), total);
        new SeededRandom(7).Fill(datagram.AsSpan(36));
        return datagram;
    }

    private static SaPair Fragmenting() => new(
        SaPair.Config("client@example.org", "secret", ["aes256-sha256-ecp256"], ["aes256-sha256"],
            c => c with { RequestVirtualIp4 = true, FragmentSize = 160 }),
        SaPair.Config("vpn.example.org", "secret", ["aes256-sha256-ecp256"], ["aes256-sha256"], c => c with { FragmentSize = 140 }),
        new ListAllocator("10.99.0.1"));

    private static IkeSaResult Deliver(IkeSa sa, byte[] datagram, IPEndPoint? from = null) =>
        sa.Process(datagram, from ?? SaPair.ClientEndpoint, SaPair.ServerEndpoint);

    [Fact]
    public void ForgedFragment_TotalAboveLimitOnEstablishedSa_DroppedAndSaKeepsItsLease()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();

        IkeSaResult forged = Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.Informational, 2, 1, 65));

        Assert.Equal(DropReason.IntegrityCheckFailed, forged.Drop);
        Assert.Empty(forged.Outbound);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Null(pair.Responder.FailureNotify);
        Assert.Single(pair.Responder.VirtualIps);
        // The window did not move: the peer's real next request is answered.
        Assert.False(Deliver(pair.Responder, pair.Initiator.InitiateDpd().Message!).IsDropped);
    }

    [Fact]
    public void ForgedFragment_TotalAboveLimitOnHalfOpenSa_DroppedAndIkeAuthStillCompletes()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult initResponse = Deliver(pair.Responder, init.Message!);

        IkeSaResult forged = Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.IkeAuth, 1, 1, 65));

        Assert.Equal(DropReason.IntegrityCheckFailed, forged.Drop);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        byte[] auth = pair.Initiator.Process(initResponse.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Message!;
        Assert.False(Deliver(pair.Responder, auth).IsDropped);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void ForgedFragment_ShortSealedBody_DroppedWithoutAnswer()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] forged = ForgedFragment(pair.Responder, ExchangeType.Informational, 2, 1, 2)[..40];
        BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(24), (uint)forged.Length);
        BinaryPrimitives.WriteUInt16BigEndian(forged.AsSpan(30), (ushort)(forged.Length - IkeConstants.HeaderLength));

        IkeSaResult result = Deliver(pair.Responder, forged);

        Assert.True(result.IsDropped);
        Assert.Empty(result.Outbound);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void ForgedFirstFragment_AnsweredMessageId_StoredResponseNotResent()
    {
        using SaPair pair = Fragmenting();
        pair.Run();
        Assert.Equal(IkeSaState.Established, pair.Responder.State);

        IkeSaResult forged = Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.IkeAuth, 1, 1, 2));

        Assert.True(forged.IsDropped);
        Assert.Empty(forged.Outbound);
    }

    [Fact]
    public void AuthenticFirstFragment_AnsweredMessageId_StoredResponseResentAsRetransmission()
    {
        using SaPair pair = Fragmenting();
        pair.Run();
        byte[] firstFragment = pair.Wire.Skip(2).First(w => w.FromInitiator).Datagram;
        IReadOnlyList<byte[]> answered = pair.Wire.Skip(2).Where(w => !w.FromInitiator).Select(w => w.Datagram).ToList();

        IkeSaResult again = Deliver(pair.Responder, firstFragment);

        Assert.True(again.Retransmitted);
        Assert.Equal(answered, again.Outbound);
    }

    [Fact]
    public void ForgedFragment_DuringReassembly_ReassemblyCompletes()
    {
        using SaPair pair = Fragmenting();
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult initResponse = Deliver(pair.Responder, init.Message!);
        IReadOnlyList<byte[]> auth = pair.Initiator.Process(initResponse.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Outbound;
        Assert.True(auth.Count > 1);

        Assert.Equal(DropReason.FragmentPending, Deliver(pair.Responder, auth[0]).Drop);
        Assert.Equal(DropReason.IntegrityCheckFailed,
            Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.IkeAuth, 1, 1, 65)).Drop);
        Assert.Equal(DropReason.IntegrityCheckFailed,
            Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.IkeAuth, 1, 3, 40)).Drop);
        IkeSaResult last = IkeSaResult.Nothing;
        foreach (byte[] fragment in auth.Skip(1))
        {
            last = Deliver(pair.Responder, fragment);
        }

        Assert.False(last.IsDropped);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void ForgedDelete_ExpectedMessageId_DroppedAndSaStaysEstablished()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] delete = pair.Initiator.InitiateDelete().Message!;
        delete[^3] ^= 0x40;

        IkeSaResult result = Deliver(pair.Responder, delete);

        Assert.Equal(DropReason.IntegrityCheckFailed, result.Drop);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Single(pair.Responder.VirtualIps);
        Assert.Empty(pair.ResponderUninstalled);
    }

    [Fact]
    public void TamperedRequest_FromNewPortBehindNat_EndpointNotFloated()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        IPEndPoint before = pair.Responder.RemoteEndpoint;
        byte[] dpd = pair.Initiator.InitiateDpd().Message!;
        byte[] tampered = (byte[])dpd.Clone();
        tampered[^1] ^= 0x01;
        var elsewhere = new IPEndPoint(IPAddress.Parse("203.0.113.66"), 4500);

        Assert.Equal(DropReason.IntegrityCheckFailed, Deliver(pair.Responder, tampered, elsewhere).Drop);
        Assert.Equal(DropReason.IntegrityCheckFailed,
            Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.Informational, 2, 1, 65), elsewhere).Drop);

        Assert.Equal(before, pair.Responder.RemoteEndpoint);
        Assert.False(Deliver(pair.Responder, dpd).IsDropped);
    }

    [Fact]
    public void ForgedResponse_ToOurDpd_DroppedAndRequestStillPending()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] dpd = pair.Responder.InitiateDpd().Message!;

        IkeSaResult forged = Deliver(pair.Responder, ForgedFragment(pair.Responder, ExchangeType.Informational, 0, 1, 65, response: true));

        Assert.Equal(DropReason.IntegrityCheckFailed, forged.Drop);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.NotNull(pair.Responder.PendingRequest);
        byte[] answer = pair.Initiator.Process(dpd, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Message!;
        Assert.False(Deliver(pair.Responder, answer).IsDropped);
        Assert.Null(pair.Responder.PendingRequest);
    }

    [Fact]
    public void Retransmission_OfLastRequest_FlaggedSoTheCallerKeepsLivenessAndSocket()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        byte[] dpd = pair.Initiator.InitiateDpd().Message!;
        Assert.False(Deliver(pair.Responder, dpd).Retransmitted);

        IkeSaResult again = Deliver(pair.Responder, dpd);

        Assert.True(again.Retransmitted);
        Assert.Single(again.Outbound);
    }
}
