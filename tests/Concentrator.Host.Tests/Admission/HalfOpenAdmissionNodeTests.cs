using System.Buffers.Binary;
using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.Admission;

/// <summary>Half-open admission of the running node over real UDP: COOKIE answers, the hard limit, junk first
/// messages. Before this, the node had no cookie generator, so the "require a cookie" verdict was ignored.</summary>
public sealed class HalfOpenAdmissionNodeTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly TempDir _dir = new();
    private ConcentratorNode? _node;
    private IPEndPoint _server = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.StopAsync();
        }
    }

    public void Dispose() => _dir.Dispose();

    private async Task<ConcentratorNode> Start(string admission)
    {
        var (main, port, _) = new TestGateway { Pool = "10.231.9.0/24", Ike = admission }.Write(_dir);
        _server = TestGateway.Loopback(port);
        _node = await TestGateway.StartAsync(main);
        return _node;
    }

    [Fact]
    public async Task IkeSaInit_AboveCookieThreshold_AnsweredWithCookieAndNothingCreatedUntilReturned()
    {
        var node = await Start("half-open-cookie-threshold = 2, half-open-per-source-cookie-threshold = 100");
        using var peer = new RawPeer(_server);
        peer.Send(peer.NewInitiator().Initiate().Message!);
        peer.Send(peer.NewInitiator().Initiate().Message!);
        Assert.Equal(2, (await peer.DrainAsync(Quiet)).Count(m => m.Get<SaPayload>() is not null));

        // A flood without cookies: every one answered N(COOKIE) with SPIr zero (RFC 7296 §2.6), no SA made.
        for (int i = 0; i < 20; i++)
        {
            peer.Send(peer.NewInitiator().Initiate().Message!);
        }

        var answers = await peer.DrainAsync(Quiet);
        Assert.Equal(20, answers.Count);
        Assert.All(answers, a =>
        {
            Assert.Equal(0UL, a.ResponderSpi);
            Assert.Equal(NotifyType.Cookie, Assert.IsType<NotifyPayload>(Assert.Single(a.Payloads)).NotifyType);
        });
        Assert.Equal(2L, (await node.SaStatsAsync()).Created);
        Assert.Equal(20, node.Drops.Snapshot().NoCookie);

        // An honest client returns the cookie and gets in.
        using var honest = peer.NewInitiator();
        Assert.Equal(IkeSaState.Established, await peer.ConnectAsync(honest));
        Assert.Equal(3L, (await node.SaStatsAsync()).Created);
    }

    [Fact]
    public async Task IkeSaInit_AtHalfOpenLimit_DroppedUnansweredBeforeAnySa()
    {
        var node = await Start("half-open-cookie-threshold = 3, half-open-limit = 3");
        using var peer = new RawPeer(_server);
        for (int i = 0; i < 10; i++)
        {
            peer.Send(peer.NewInitiator().Initiate().Message!);
        }

        var answers = await peer.DrainAsync(Quiet);

        Assert.Equal(3, answers.Count);
        Assert.All(answers, a => Assert.NotNull(a.Get<SaPayload>()));
        var stats = await node.SaStatsAsync();
        Assert.Equal((3, 3L), (stats.HalfOpen, stats.Created));
        Assert.Equal(7, node.Drops.Snapshot().OverLimit);
    }

    [Fact]
    public async Task IkeSaInit_TruncatedWithFreshSpis_NoSaCreatedAndCountedMalformed()
    {
        var node = await Start("half-open-cookie-threshold = 1000");
        using var peer = new RawPeer(_server);
        byte[] whole = peer.NewInitiator().Initiate().Message!;
        for (int i = 0; i < 200; i++)
        {
            // A header whose Length matches what arrives (so the socket's header check passes) over a payload chain
            // cut in the middle of a payload: what the flood of issue 10 sent.
            byte[] junk = whole[..80];
            BinaryPrimitives.WriteUInt64BigEndian(junk, 0x1000UL + (ulong)i);
            BinaryPrimitives.WriteUInt32BigEndian(junk.AsSpan(24), (uint)junk.Length);
            peer.Send(junk);
        }

        Assert.Empty(await peer.DrainAsync(Quiet));
        await Eventually(() => node.Drops.Snapshot().Malformed == 200);
        var stats = await node.SaStatsAsync();
        Assert.Equal((0, 0, 0L), (stats.HalfOpen, stats.Live, stats.Created));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(20);
        }
    }
}
