using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: EAP-MSCHAPv2 retries through IKE_AUTH (RFC 2759 §6 with RFC 7296 §2.16): each retry is one more
/// IKE_AUTH round; past the gateway's limit the conversation ends in EAP-Failure → AUTHENTICATION_FAILED, nothing
/// installed, no lease.</summary>
public class EapMsChapV2RetrySetupTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";
    private static readonly byte[] Wrong = "guessed"u8.ToArray();

    private static IkeSaConfig Client(params byte[][] passwords) =>
        SaPair.Config("alice", "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            RequestVirtualIp4 = true,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
            LocalEap = new EapClientConfig("alice", () => new EapMsChapV2Client("alice", passwords, new SeededRandom(8))),
        });

    private static IkeSaConfig Server(int maxRetries) =>
        EapSetupTests.Server(EapType.MsChapV2, backend: () => new EapMsChapV2Server(EapSetupTests.Users, new SeededRandom(7), maxRetries));

    [Fact]
    public void Setup_WrongThenRightPasswordWithinTheLimit_EstablishedAfterOneMoreRound()
    {
        var pool = new ListAllocator("10.99.0.1");
        using var first = new SaPair(Client(EapSetupTests.AlicePassword), Server(2), new ListAllocator("10.99.0.1"));
        using var pair = new SaPair(Client(Wrong, EapSetupTests.AlicePassword), Server(2), pool);

        first.Run();
        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], pair.Initiator.VirtualIps);
        Assert.Single(pair.ResponderInstalled);
        // The Failure Request and the second Response: one more IKE_AUTH exchange than a first-time success.
        Assert.Equal(first.Wire.Count + 2, pair.Wire.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Setup_WrongPasswordsPastTheLimit_AuthenticationFailedNothingInstalledNoLease(int maxRetries)
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(Wrong, Wrong, Wrong, EapSetupTests.AlicePassword), Server(maxRetries), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
        EapFailureAnswer.AssertEnded(pair);
        if (maxRetries > 0)
        {
            Assert.Contains($"{maxRetries} retries used", pair.Responder.FailureReason, StringComparison.Ordinal);
        }

        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pool.Allocations);
    }

    /// <summary>An INFORMATIONAL request from the initiator with <paramref name="payloads"/>, sealed with its keys.</summary>
    private static byte[] Informational(IkeSa sender, uint messageId, params Payload[] payloads)
    {
        var message = new IkeMessage(ExchangeType.Informational, sender.InitiatorSpi, sender.ResponderSpi, messageId, IkeHeaderFlags.Initiator);
        message.Payloads.Add(new EncryptedPayload(payloads));
        return message.ToEncryptedArray(sender.Ciphers!.Outbound);
    }

    /// <summary>IKE_SA_INIT and the first IKE_AUTH round: the gateway's first EAP request is with the client.</summary>
    private static void ToFirstEapRequest(SaPair pair)
    {
        IkeSaResult init = pair.Responder.Process(pair.Initiator.Initiate().Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult auth = pair.Initiator.Process(init.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult eap = pair.Responder.Process(auth.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Assert.NotNull(eap.Message);
        Assert.True(pair.Responder.EapUnderWay);
    }

    [Fact]
    public void PeerGivesUpWithAuthenticationFailedInformational_DuringEap_SaEndsAtOnceAndTheRequestIsAnswered()
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(Wrong), Server(2), pool);
        ToFirstEapRequest(pair);

        // RFC 7296 §2.21.2: what strongSwan sends when its EAP method gives up (Scenario36).
        IkeSaResult result = pair.Responder.Process(Informational(pair.Initiator, 2, new NotifyPayload(NotifyType.AuthenticationFailed)),
            SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.False(result.IsDropped);
        Assert.Single(result.Outbound);
        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        Assert.Contains("ended the EAP conversation", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Empty(pool.Allocations);
    }

    [Fact]
    public void InformationalWithoutAuthenticationFailed_DuringEap_StillDropped()
    {
        using var pair = new SaPair(Client(Wrong), Server(2), new ListAllocator("10.99.0.1"));
        ToFirstEapRequest(pair);

        IkeSaResult result = pair.Responder.Process(Informational(pair.Initiator, 2), SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.WrongState, result.Drop);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
    }
}
