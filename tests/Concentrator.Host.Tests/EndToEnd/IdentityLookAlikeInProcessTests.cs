using Concentrator.Ike;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Issue 10, defect 6 over real UDP: on a connection for any identity, a look-alike of an identity that
/// has its own PSK (other case, trailing NUL or space) does not get in with the "%any" PSK. (Non-ASCII octets: the
/// pure AuthFailureReasonTests; this initiator's IkeIdentity.Parse cannot send them.)</summary>
public sealed class IdentityLookAlikeInProcessTests : IAsyncLifetime
{
    private const string AnySecret = "any-secret-for-everyone-else";
    private InProcessResponder _responder = null!;

    public async Task InitializeAsync() => _responder = await InProcessResponder.StartAsync(remoteId: "%any",
        secrets: $"\"{InProcessResponder.Identity}\" = \"{InProcessResponder.Secret}\", \"%any\" = \"{AnySecret}\"");

    public async Task DisposeAsync() => await _responder.DisposeAsync();

    [Theory]
    [InlineData("ROAD@E2E.TEST")]
    [InlineData("road@e2e.test\0")]
    [InlineData("road@e2e.test ")]
    public async Task Connect_LookAlikeWithAnyPsk_AuthenticationFailedAndNoLease(string identity)
    {
        using var client = new UdpInitiator(_responder.Server, identity, AnySecret);

        Assert.Equal(IkeSaState.Failed, await client.ConnectAsync());
        Assert.Equal(NotifyType.AuthenticationFailed, client.Sa.FailureNotify);
        Assert.Equal(0, _responder.Node.Served[0].Pools.Online);
    }

    [Fact]
    public async Task Connect_OtherCaseWithItsOwnPsk_Established()
    {
        using var client = new UdpInitiator(_responder.Server, "ROAD@E2E.TEST", InProcessResponder.Secret);

        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        Assert.Equal(1, _responder.Node.Served[0].Pools.Online);
    }
}
