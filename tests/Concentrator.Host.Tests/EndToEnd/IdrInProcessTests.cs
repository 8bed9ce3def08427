using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Issue 10, defect 4 over real UDP: an IKE_AUTH whose IDr names another gateway is refused with
/// AUTHENTICATION_FAILED (as strongSwan does); our own identity in any case is accepted.</summary>
public sealed class IdrInProcessTests : IAsyncLifetime
{
    private InProcessResponder _responder = null!;

    public async Task InitializeAsync() => _responder = await InProcessResponder.StartAsync();

    public async Task DisposeAsync() => await _responder.DisposeAsync();

    [Fact]
    public async Task Connect_IdrOfAnotherGateway_AuthenticationFailedAndNoLease()
    {
        using IkeSa sa = await ConnectAsking("other-gateway.example.org");

        Assert.Equal(IkeSaState.Failed, sa.State);
        Assert.Equal(NotifyType.AuthenticationFailed, sa.FailureNotify);
        Assert.Equal(0, _responder.Node.Served[0].Pools.Online);
    }

    [Fact]
    public async Task Connect_IdrOfThisGatewayInOtherCase_Established()
    {
        using IkeSa sa = await ConnectAsking("GW.E2E.TEST");

        Assert.Equal(IkeSaState.Established, sa.State);
        Assert.Equal(1, _responder.Node.Served[0].Pools.Online);
    }

    /// <summary>IKE_SA_INIT and IKE_AUTH of a road warrior that names the gateway it wants in IDr.</summary>
    private async Task<IkeSa> ConnectAsking(string gateway)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var psk = new PskAuthenticator((_, _) => System.Text.Encoding.UTF8.GetBytes(InProcessResponder.Secret));
        var config = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519"),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16"),
            LocalIdentity = IkeIdentity.Parse(InProcessResponder.Identity),
            RemoteIdentity = IkeIdentity.Parse(gateway),
            LocalAuthenticator = psk,
            RemoteAuthenticators = [psk],
            RequestVirtualIp4 = true,
        };
        var sa = IkeSa.CreateInitiator(config, new IkeSaServices(), local, _responder.Server);
        byte[]? request = sa.Initiate().Message;
        while (request is not null)
        {
            await socket.SendToAsync(request, _responder.Server);
            var buffer = new byte[65535];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
            IkeSaResult result = sa.ProcessResponse(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, local);
            Assert.False(result.IsDropped, result.Detail);
            request = result.Message;
        }

        return sa;
    }
}
