using System.Buffers.Binary;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Crypto.Tls;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>Ring a/b: our EAP-TLS server against our EAP-TLS client (RFC 5216, RFC 9190), method level: versions,
/// fragmentation both ways, the peer's certificate judged by the connection's CAs and bound to the EAP identity,
/// and EAP-TLS framing that lies about its lengths dropped with a reason, never thrown.</summary>
public class EapTlsMethodTests
{
    [Theory]
    [InlineData(TlsVersion.Tls12, "TLS 1.2")]
    [InlineData(TlsVersion.Tls13, "TLS 1.3")]
    public void Conversation_ClientOfTheConfiguredCa_SuccessWithTheSameMskOnBothSides(TlsVersion max, string version)
    {
        var server = new EapTlsServer(EapTlsPki.Server(max: max));
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.Alice);

        (EapStep last, _, _) = EapTlsPki.Converse(server, client);

        var success = Assert.IsType<EapStep.Success>(last);
        Assert.Equal(64, success.Msk!.Length);
        Assert.Equal(success.Msk, client.Msk);
        Assert.Equal("alice@example.org", success.Identity);
        Assert.Equal(version, server.Version);
        Assert.Equal(version, client.Version);
    }

    [Fact]
    public void Conversation_RsaClientOverTls12_Success()
    {
        var server = new EapTlsServer(EapTlsPki.Server(max: TlsVersion.Tls12));
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.AliceRsa);

        (EapStep last, _, _) = EapTlsPki.Converse(server, client);

        Assert.True(last is EapStep.Success, $"{last} (client: {client.Failure})");
        Assert.Equal(client.Msk, ((EapStep.Success)last).Msk);
    }

    [Fact]
    public void Conversation_SmallFragments_EveryFragmentAcknowledgedAndTheFirstCarriesTheLength()
    {
        var server = new EapTlsServer(EapTlsPki.Server(fragmentSize: 100));
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.Alice, fragmentSize: 90);

        (EapStep last, List<EapPacket> requests, List<EapPacket> responses) = EapTlsPki.Converse(server, client);

        Assert.IsType<EapStep.Success>(last);
        List<EapTlsFrame> sent = [.. requests.Select(Frame)];
        List<EapTlsFrame> received = [.. responses.Select(Frame)];
        Assert.All(sent, f => Assert.True(f.Data.Length <= 100));
        Assert.All(received, f => Assert.True(f.Data.Length <= 90));
        // Every fragment with M set is answered by an ACK from the other side (RFC 5216 §2.1.5).
        for (int i = 0; i < sent.Count; i++)
        {
            if (sent[i].Flags.HasFlag(EapTlsFlags.More))
            {
                Assert.True(received[i].IsAck, $"request {i} had more fragments, response was not an ACK");
            }

            if (received[i].Flags.HasFlag(EapTlsFlags.More))
            {
                Assert.True(sent[i + 1].IsAck, $"response {i} had more fragments, request {i + 1} was not an ACK");
            }
        }

        Assert.True(sent.Count(f => f.Flags.HasFlag(EapTlsFlags.More)) >= 3);
        Assert.True(received.Count(f => f.Flags.HasFlag(EapTlsFlags.More)) >= 3);
        // The first fragment of each fragmented message announces the total (L flag).
        Assert.All(sent.Where((f, i) => f.Flags.HasFlag(EapTlsFlags.More) && (i == 0 || !sent[i - 1].Flags.HasFlag(EapTlsFlags.More))),
            f => Assert.NotNull(f.MessageLength));
    }

    [Fact]
    public void Conversation_ClientOfAnUnknownCa_FailureNamingTheCa()
    {
        var server = new EapTlsServer(EapTlsPki.Server(max: TlsVersion.Tls12));
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.Mallory);

        (EapStep last, _, List<EapPacket> responses) = EapTlsPki.Converse(server, client);

        var failure = Assert.IsType<EapStep.Failure>(last);
        Assert.Contains("CertificateUntrusted", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("Unknown CA", failure.Reason, StringComparison.Ordinal);
        Assert.Null(client.Msk);
        // The failure follows the client's certificate flight at once (no alert round, see EapTlsServer).
        Assert.NotEmpty(Frame(responses[^1]).Data.ToArray());
    }

    [Fact]
    public void Conversation_CertificateNotNamingTheEapIdentity_Failure()
    {
        var server = new EapTlsServer(EapTlsPki.Server());
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.Alice);

        (EapStep last, _, _) = EapTlsPki.Converse(server, client, identity: "bob@example.org");

        Assert.Contains("does not name the EAP identity 'bob@example.org'", Assert.IsType<EapStep.Failure>(last).Reason, StringComparison.Ordinal);
        Assert.Null(client.Msk);
    }

    [Fact]
    public void Conversation_ServerSpeaksOnlyTls13ClientOnlyTls12_Failure()
    {
        var server = new EapTlsServer(EapTlsPki.Server(min: TlsVersion.Tls13));
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.Alice, max: TlsVersion.Tls12);

        (EapStep last, _, _) = EapTlsPki.Converse(server, client);

        Assert.IsType<EapStep.Failure>(last);
        Assert.Null(client.Msk);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00, 0x01 }, "truncated")]
    [InlineData(new byte[] { 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0x16 }, "announced")]
    [InlineData(new byte[] { }, "flags")]
    [InlineData(new byte[] { 0x80, 0x00, 0x00, 0x00, 0x02, 0x16, 0x03, 0x01 }, "announced")]
    [InlineData(new byte[] { 0x80, 0x00, 0x00, 0x00, 0x09, 0x16, 0x03, 0x01 }, "announced")]
    public void Response_LengthsThatLie_DiscardedWithAReasonTheRequestStillOutstanding(byte[] typeData, string reason)
    {
        var server = new EapTlsServer(EapTlsPki.Server());
        var start = (EapStep.Request)server.Start("alice@example.org", 7);
        Assert.True(EapPacket.TryParse(start.Message, out EapPacket request, out _));

        EapStep step = server.Process(EapPacket.Response(request.Identifier, EapType.Tls, typeData));

        Assert.Contains(reason, Assert.IsType<EapStep.Discard>(step).Reason, StringComparison.Ordinal);
        // The conversation goes on: the real ClientHello still completes it.
        EapTlsClient client = EapTlsPki.Client(EapTlsPki.Alice);
        EapPacket hello = client.Process(request)!.Value;
        Assert.IsType<EapStep.Request>(server.Process(hello));
    }

    [Fact]
    public void Response_FragmentsBeyondTheMaximumMessage_Discarded()
    {
        var server = new EapTlsServer(EapTlsPki.Server(maxMessage: 300));
        var start = (EapStep.Request)server.Start("alice@example.org", 7);
        Assert.True(EapPacket.TryParse(start.Message, out EapPacket request, out _));
        // No L flag, only M: the fragments add up past the maximum without ever announcing a length.
        byte[] fragment = [(byte)EapTlsFlags.More, .. new byte[200]];
        var first = (EapStep.Request)server.Process(EapPacket.Response(request.Identifier, EapType.Tls, fragment));
        Assert.True(EapPacket.TryParse(first.Message, out EapPacket ack, out _));
        Assert.True(Frame(ack).IsAck);

        EapStep second = server.Process(EapPacket.Response(ack.Identifier, EapType.Tls, fragment));

        Assert.Contains("above 300 octets", Assert.IsType<EapStep.Discard>(second).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Response_RandomOctetsAfterStart_RefusedOrDiscardedNeverThrown()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var server = new EapTlsServer(EapTlsPki.Server());
            var start = (EapStep.Request)server.Start("alice@example.org", 7);
            Assert.True(EapPacket.TryParse(start.Message, out EapPacket request, out _));
            var junk = new byte[random.Next(0, 400)];
            random.NextBytes(junk);
            if (junk.Length >= 5 && seed % 2 == 0)
            {
                // Half the time a plausible frame: L set and the true length, random records inside.
                junk[0] = 0x80;
                BinaryPrimitives.WriteUInt32BigEndian(junk.AsSpan(1), (uint)(junk.Length - 5));
            }

            EapStep step = server.Process(EapPacket.Response(request.Identifier, EapType.Tls, junk));

            Assert.True(step is EapStep.Discard or EapStep.Failure or EapStep.Request, $"seed {seed}: {step}");
        }
    }

    private static EapTlsFrame Frame(EapPacket packet)
    {
        Assert.True(EapTlsFrame.TryParse(packet.Data, out EapTlsFrame frame, out string? problem), problem);
        return frame;
    }
}
