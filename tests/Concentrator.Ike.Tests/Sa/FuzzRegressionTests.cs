using System.Buffers.Binary;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Tests.Encoding;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>
/// Inputs bench/Concentrator.Fuzz found (TestData/fuzz), replayed against an established responder of two in-memory
/// peers. Protected ones are kept as their inner payloads and sealed here with the SA's own keys, so they pass the
/// integrity check as they did in the harness.
/// </summary>
public sealed class FuzzRegressionTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    private static byte[] Load(string name) =>
        Hex.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "fuzz", name)));

    private static SaPair Established()
    {
        var pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        return pair;
    }

    /// <summary>The request as the initiator would seal it: IKE header, then an SK payload holding
    /// <paramref name="plaintext"/> (RFC 7296 §3.14), under the initiator's SK_ei/SK_ai of <paramref name="sa"/>.</summary>
    private static byte[] Seal(IkeSa sa, ExchangeType exchange, uint messageId, byte firstInner, byte[] plaintext)
    {
        using var keys = sa.Keymat!.CreateSkCiphers(isInitiator: true);
        int sealedLength = keys.Outbound.SealedLength(plaintext.Length);
        var datagram = new byte[32 + sealedLength];
        WriteHeader(datagram, sa, messageId);
        datagram[16] = (byte)PayloadType.Encrypted;
        datagram[18] = (byte)exchange;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(24), (uint)datagram.Length);
        datagram[28] = firstInner;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(30), (ushort)(4 + sealedLength));
        keys.Outbound.Seal(datagram.AsSpan(0, 32), plaintext, datagram.AsSpan(32));
        return datagram;
    }

    private static void WriteHeader(byte[] datagram, IkeSa sa, uint messageId)
    {
        BinaryPrimitives.WriteUInt64BigEndian(datagram, sa.InitiatorSpi);
        BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(8), sa.ResponderSpi);
        datagram[17] = 0x20;
        datagram[19] = (byte)IkeHeaderFlags.Initiator;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(20), messageId);
    }

    [Fact]
    public void Process_InformationalWithoutEncryptedPayload_DroppedAndSaStillAnswersDpd()
    {
        using SaPair pair = Established();
        byte[] forged = Load("informational-without-encrypted-payload.hex");
        WriteHeader(forged, pair.Responder, messageId: 2);
        forged[16] = 0;
        forged[18] = (byte)ExchangeType.Informational;

        IkeSaResult result = pair.Responder.Process(forged, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        // RFC 7296 §2.21.2: what is not authenticated is dropped without an answer and changes nothing.
        Assert.True(result.IsDropped);
        Assert.Empty(result.Outbound);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        IkeSaResult dpd = pair.Initiator.InitiateDpd();
        Assert.NotNull(pair.Responder.Process(dpd.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message);
    }

    [Fact]
    public void Process_IkeRekeyWithKeyExchangeDataOneOctetShort_AnsweredWithoutException()
    {
        using SaPair pair = Established();
        byte[] request = Seal(pair.Responder, ExchangeType.CreateChildSa, messageId: 2, (byte)PayloadType.SecurityAssociation,
            Load("ike-rekey-ke-one-octet-short.hex"));

        IkeSaResult? result = null;
        Exception? thrown = Record.Exception(() => result = pair.Responder.Process(request, SaPair.ClientEndpoint, SaPair.ServerEndpoint));

        // Malformed input never throws out of the SA (DESIGN.md house style 5); an authenticated request is answered.
        Assert.Null(thrown);
        Assert.NotNull(result!.Message);
    }
}
