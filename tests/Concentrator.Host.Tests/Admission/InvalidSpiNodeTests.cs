using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.Admission;

/// <summary>Requests for IKE SAs the node does not know (a client of the gateway before a restart) over real UDP:
/// answered with an unprotected N(INVALID_IKE_SPI) within the node-wide rate (RFC 7296 §2.21.4), responses never.</summary>
public sealed class InvalidSpiNodeTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly TempDir _dir = new();
    private ConcentratorNode _node = null!;
    private IPEndPoint _server = null!;

    public async Task InitializeAsync()
    {
        var (main, port, _) = new TestGateway { Pool = "10.231.9.0/24", Ike = "invalid-spi-notify { rate = 1, burst = 3 }" }.Write(_dir);
        _server = TestGateway.Loopback(port);
        _node = await TestGateway.StartAsync(main);
    }

    public async Task DisposeAsync() => await _node.StopAsync();

    public void Dispose() => _dir.Dispose();

    private static byte[] Informational(ulong spiI, ulong spiR, uint messageId, IkeHeaderFlags flags)
    {
        // A DPD request of an SA from before the restart: an empty SK payload is enough, the node cannot open it.
        var m = new IkeMessage(ExchangeType.Informational, spiI, spiR, messageId, flags);
        m.Payloads.Add(new UnknownPayload(PayloadType.Encrypted, new byte[24]));
        return m.ToArray();
    }

    [Fact]
    public async Task Request_UnknownSpi_AnsweredInvalidIkeSpiWithSpisAndMessageIdCopied()
    {
        using var peer = new RawPeer(_server);

        peer.Send(Informational(0xA1, 0xB2, 9, IkeHeaderFlags.Initiator));

        var answer = IkeMessage.Parse((await peer.ReceiveAsync(TimeSpan.FromSeconds(3)))!);
        Assert.Equal((0xA1UL, 0xB2UL, 9U, ExchangeType.Informational, IkeHeaderFlags.Response),
            (answer.InitiatorSpi, answer.ResponderSpi, answer.MessageId, answer.ExchangeType, answer.Flags));
        Assert.Equal(NotifyType.InvalidIkeSpi, Assert.IsType<NotifyPayload>(Assert.Single(answer.Payloads)).NotifyType);
        Assert.Equal(1, _node.Drops.Snapshot().InvalidSpiAnswers);
    }

    [Fact]
    public async Task Response_UnknownSpi_NeverAnswered()
    {
        using var peer = new RawPeer(_server);

        peer.Send(Informational(0xA1, 0xB2, 9, IkeHeaderFlags.Response));

        Assert.Null(await peer.ReceiveAsync(Quiet));
        Assert.Equal((1L, 0L), (_node.Drops.Snapshot().UnknownSpi, _node.Drops.Snapshot().InvalidSpiAnswers));
    }

    [Fact]
    public async Task Request_FloodOfUnknownSpis_AnswersLimitedToBurstPlusRate()
    {
        using var peer = new RawPeer(_server);

        for (uint i = 0; i < 50; i++)
        {
            peer.Send(Informational(0x100 + i, 0x200 + i, i, IkeHeaderFlags.Initiator));
        }

        var answers = await peer.DrainAsync(Quiet);

        // Burst 3 at once, then 1 per second: within the test's second at most one more.
        Assert.InRange(answers.Count, 3, 4);
        Assert.Equal(50L, _node.Drops.Snapshot().UnknownSpi);
    }
}
