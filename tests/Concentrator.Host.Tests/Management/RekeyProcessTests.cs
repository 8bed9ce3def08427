using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Management;

/// <summary>Issue 14, rekey on demand against the real process: <c>concentrator rekey ID</c> makes the gateway rekey
/// the SA's CHILD SA (CREATE_CHILD_SA to the client, then the Delete of the old pair); <c>--ike</c> rekeys the IKE SA
/// (CREATE_CHILD_SA with SA, Ni, KEi, then the Delete of the old IKE SA).</summary>
public sealed class RekeyProcessTests : IAsyncLifetime
{
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ManagedGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Rekey_ClientConnected_GatewayRekeysTheChildSaAndDeletesTheOldPair()
    {
        using var alice = new UdpInitiator(_gateway.Server, "alice@sales.test", ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await alice.ConnectAsync());
        var old = Assert.Single(alice.Sa.ChildSas);
        var id = Assert.Single((await _gateway.JsonAsync("list-sas")).EnumerateArray()).GetProperty("id").GetString()!;

        var rekey = _gateway.CliAsync("rekey", id);
        Assert.Equal(IkeSaState.Established, await alice.AnswerRequestAsync(TimeSpan.FromSeconds(20)));
        var said = (await rekey).Succeeded().Output;
        Assert.Contains("1 CHILD SA rekey(s) started", said, StringComparison.Ordinal);
        Assert.Contains("--ike rekeys the IKE SA", said, StringComparison.Ordinal);
        // The gateway, as the rekey's initiator, deletes the old pair (RFC 7296 §1.3.3).
        Assert.Equal(IkeSaState.Established, await alice.AnswerRequestAsync(TimeSpan.FromSeconds(20)));

        var child = Assert.Single(alice.Sa.ChildSas);
        Assert.NotEqual(old.InboundSpi, child.InboundSpi);
        var shown = Assert.Single((await _gateway.JsonAsync("show-sa", id)).GetProperty("childSas").EnumerateArray());
        Assert.Equal($"{child.OutboundSpi:x8}", shown.GetProperty("inboundSpi").GetString());
        Assert.Equal(0UL, shown.GetProperty("traffic").GetProperty("bytesIn").GetUInt64());

        // --ike: the client answers the IKE SA rekey, then the gateway deletes the old IKE SA (RFC 7296 §2.18).
        var ikeRekey = _gateway.CliAsync("rekey", id, "--ike");
        Assert.Equal(IkeSaState.Established, await alice.AnswerRequestAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("IKE SA rekey started", (await ikeRekey).Succeeded().Output, StringComparison.Ordinal);
        var rekeyedTo = alice.Sa.RekeyedTo!;
        Assert.Same(child, Assert.Single(rekeyedTo.ChildSas));
        Assert.Equal(IkeSaState.Deleted, await alice.AnswerRequestAsync(TimeSpan.FromSeconds(20)));
        var shownAfter = await _gateway.JsonAsync("show-sa", id);
        Assert.Equal($"{rekeyedTo.InitiatorSpi:x16}", shownAfter.GetProperty("initiatorSpi").GetString());
        rekeyedTo.Dispose();

        Assert.Equal(66, (await _gateway.CliAsync("rekey", "ike-0000000000000001")).ExitCode);
    }
}
