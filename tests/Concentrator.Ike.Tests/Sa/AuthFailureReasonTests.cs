using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>IKE_AUTH refusals (all AUTHENTICATION_FAILED on the wire) keep why, as data, for the operator's log;
/// and IDr must name the gateway (RFC 7296 §3.5).</summary>
public class AuthFailureReasonTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";
    private const string BobSecret = "bob-secret-0123";
    private const string AnySecret = "any-secret-0123";

    /// <summary>A client of identity <paramref name="id"/> proving <paramref name="psk"/>, against a gateway
    /// "vpn.example.org" that knows bob@example.net's own key and a %any key.</summary>
    internal static SaPair Pair(IkeIdentity id, string psk, Func<IkeSaConfig, IkeSaConfig>? client = null,
        Func<IkeSaConfig, IkeSaConfig>? server = null, PskStore? store = null)
    {
        IkeSaConfig clientConfig = SaPair.Config("client@example.org", psk, [Ike], ["aes256gcm16"], c => c with { LocalIdentity = id });
        var verifier = new PskAuthenticator((store ?? new PskStore().Add("bob@example.net", BobSecret).Add("%any", AnySecret)).Lookup);
        IkeSaConfig serverConfig = SaPair.Config("vpn.example.org", AnySecret, [Ike], ["aes256gcm16"],
            c => c with { LocalAuthenticator = verifier, RemoteAuthenticators = [verifier] });
        return new SaPair(client is null ? clientConfig : client(clientConfig), server is null ? serverConfig : server(serverConfig));
    }

    private static IkeIdentity Rfc822(byte[] octets) => new(IdType.Rfc822Address, octets);

    private static void AssertRefused(SaPair pair, AuthFailure expected)
    {
        pair.Run();
        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Responder.FailureNotify);
        Assert.Equal(expected, pair.Responder.AuthFailure);
        Assert.False(string.IsNullOrEmpty(pair.Responder.FailureReason));
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
    }

    [Fact]
    public void Auth_WrongPsk_WrongCredentialWithoutTheSecretInTheReason()
    {
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), "guessed-secret-4711");

        AssertRefused(pair, AuthFailure.WrongCredential);
        Assert.Contains("bob@example.net", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.DoesNotContain("guessed-secret-4711", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.DoesNotContain(BobSecret, pair.Responder.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auth_IdentityWithoutSecretAndNoAnyFallback_UnknownIdentity()
    {
        using SaPair pair = Pair(IkeIdentity.Parse("eve@example.net"), AnySecret,
            store: new PskStore().Add("bob@example.net", BobSecret));

        AssertRefused(pair, AuthFailure.UnknownIdentity);
        Assert.Contains("eve@example.net", pair.Responder.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auth_IdrNamesAnotherGateway_ResponderIdentityMismatch()
    {
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), BobSecret,
            client: c => c with { RemoteIdentity = IkeIdentity.Parse("other-gateway.example.org") });

        AssertRefused(pair, AuthFailure.ResponderIdentityMismatch);
        Assert.Contains("other-gateway.example.org", pair.Responder.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auth_IdrNamesGatewayInOtherCase_Established()
    {
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), BobSecret,
            client: c => c with { RemoteIdentity = IkeIdentity.Parse("VPN.Example.ORG") });

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
    }

    [Fact]
    public void Auth_IdentityNotTheConnectionsRemoteId_IdentityNotAllowed()
    {
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), BobSecret,
            server: c => c with { RemoteIdentity = IkeIdentity.Parse("alice@example.net") });

        AssertRefused(pair, AuthFailure.IdentityNotAllowed);
    }

    [Fact]
    public void Auth_MethodTheConnectionDoesNotVerify_UnsupportedAuthMethod()
    {
        var signer = new FixedAuthenticator(AuthMethod.DigitalSignature, addAuth: true);
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), BobSecret,
            client: c => c with { LocalAuthenticator = signer });

        AssertRefused(pair, AuthFailure.UnsupportedAuthMethod);
    }

    [Fact]
    public void Auth_NoAuthPayload_MissingAuth()
    {
        var nothing = new FixedAuthenticator(AuthMethod.SharedKeyMic, addAuth: false);
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), BobSecret,
            client: c => c with { LocalAuthenticator = nothing });

        AssertRefused(pair, AuthFailure.MissingAuth);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x20 })]
    [InlineData(new byte[] { 0x0a })]
    [InlineData(new byte[] { 0xe4 })]
    public void Auth_LookAlikeOfIdentityWithOwnPsk_RefusedAsInvalidIdentityNotAnyPsk(byte[] suffix)
    {
        // The attacker knows the %any key and dresses up as bob, whose own key it does not know.
        using SaPair pair = Pair(Rfc822([.. "bob@example.net"u8, .. suffix]), AnySecret);

        AssertRefused(pair, AuthFailure.InvalidIdentity);
        Assert.DoesNotContain(pair.Responder.FailureReason!, c => char.IsControl(c) || c > 0x7e);
    }

    [Fact]
    public void Auth_NonAsciiInsideIdentity_RefusedAsInvalidIdentity()
    {
        using SaPair pair = Pair(Rfc822([.. "bob@ex"u8, 0xc3, 0xa4, .. "mple.net"u8]), AnySecret);

        AssertRefused(pair, AuthFailure.InvalidIdentity);
    }

    [Fact]
    public void Auth_UpperCaseOfIdentityWithOwnPsk_NeedsThatPskNotTheAnyOne()
    {
        using SaPair withAny = Pair(IkeIdentity.Parse("BOB@EXAMPLE.NET"), AnySecret);
        AssertRefused(withAny, AuthFailure.WrongCredential);

        using SaPair withOwn = Pair(IkeIdentity.Parse("BOB@EXAMPLE.NET"), BobSecret);
        withOwn.Run();
        Assert.Equal(IkeSaState.Established, withOwn.Responder.State);
    }

    [Fact]
    public void Auth_Success_NoFailureReason()
    {
        using SaPair pair = Pair(IkeIdentity.Parse("bob@example.net"), BobSecret);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Null(pair.Responder.AuthFailure);
        Assert.Null(pair.Responder.FailureReason);
    }

    /// <summary>An authenticator that sends an AUTH of any method (or none) and verifies nothing.</summary>
    private sealed class FixedAuthenticator(AuthMethod method, bool addAuth) : IAuthenticator
    {
        public AuthMethod Method => method;

        public bool Build(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote)
        {
            if (addAuth)
            {
                message.Payloads.Add(new AuthPayload(method, new byte[32]));
            }

            return true;
        }

        public AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote) => AuthFailure.WrongCredential;
    }
}
