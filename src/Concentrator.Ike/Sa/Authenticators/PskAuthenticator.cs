using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>
/// Shared Key Message Integrity Code (RFC 7296 §2.15): <c>AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"),
/// &lt;SignedOctets&gt;)</c>, the secret found per pair of identities through <see cref="PskLookup"/>.
/// </summary>
public sealed class PskAuthenticator : IAuthenticator
{
    private readonly PskLookup _lookup;

    public PskAuthenticator(PskLookup lookup) => _lookup = lookup;

    public AuthMethod Method => AuthMethod.SharedKeyMic;

    public bool Build(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote)
    {
        byte[]? secret = _lookup(local, remote);
        if (secret is null)
        {
            return false;
        }

        byte[] octets = SignedOctets.Of(sa, sa.IsInitiator, local);
        message.Payloads.Add(new AuthPayload(AuthMethod.SharedKeyMic, AuthOctets.SharedKeyAuth(sa.Keymat!.Prf, secret, octets)));
        return true;
    }

    public bool HasCredential(IkeIdentity local, IkeIdentity remote) => _lookup(local, remote) is not null;

    public AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote)
    {
        if (message.Get<AuthPayload>() is not { Method: AuthMethod.SharedKeyMic } auth)
        {
            return AuthFailure.UnsupportedAuthMethod;
        }

        if (_lookup(local, remote) is not { } secret)
        {
            return AuthFailure.UnknownIdentity;
        }

        byte[] octets = SignedOctets.Of(sa, !sa.IsInitiator, remote);
        return AuthOctets.VerifySharedKeyAuth(sa.Keymat!.Prf, secret, octets, auth.Data.Span) ? null : AuthFailure.WrongCredential;
    }
}
