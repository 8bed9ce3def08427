using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>
/// Certificate authentication (RFC 7296 §2.15, §3.6, §3.8; RFC 7427; strongSwan's pubkey_authenticator.c). Build:
/// our CERT payloads and a signature over the signed octets, with method 14 when the peer sent
/// SIGNATURE_HASH_ALGORITHMS, else the classic method of the key (1 RSA, 9/10/11 ECDSA). Verify: the peer's CERTs,
/// its chain against <see cref="Trust"/>, its identity bound to the certificate, then the signature.
/// </summary>
public sealed class PubkeyAuthenticator : IAuthenticator
{
    public PubkeyAuthenticator(LocalCertificate? local, TrustPolicy? trust)
    {
        Local = local;
        Trust = trust;
    }

    /// <summary>Our certificate and key; null when this side only verifies.</summary>
    public LocalCertificate? Local { get; }

    /// <summary>The CAs that anchor the peer's certificate; null when this side only signs.</summary>
    public TrustPolicy? Trust { get; }

    public AuthMethod Method => AuthMethod.DigitalSignature;

    public bool Accepts(AuthMethod method) => method is AuthMethod.DigitalSignature or AuthMethod.RsaDigitalSignature
        or AuthMethod.EcdsaSha256P256 or AuthMethod.EcdsaSha384P384 or AuthMethod.EcdsaSha512P521;

    public bool HasCredential(IkeIdentity local, IkeIdentity remote) => Trust is not null;

    public AuthFailure? Fit(IkeMessage? request, IkeIdentity local, IkeIdentity remote)
    {
        if (Trust is null)
        {
            return AuthFailure.UnknownIdentity;
        }

        if (request is null)
        {
            return null;
        }

        // Names only, no full parse: this runs for every pubkey candidate; Verify parses the chosen one's chain.
        IReadOnlyList<CertPayload> payloads = PeerCertificates.Payloads(request, Trust.MaxChainLength, out AuthFailure? failure, out _);
        if (failure is not null)
        {
            return failure;
        }

        var names = payloads.Select(p => CertificateNames.Read(p.Data)).ToList();
        return names.Any(n => n is null) ? AuthFailure.CertificateMalformed
            : ChainValidator.MayAnchor(Trust, names!) ? null : AuthFailure.CertificateUntrusted;
    }

    public bool Build(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(message);
        if (Local is null || AuthSignature.Choose(Local, sa.PeerSignatureHashes) is not { } choice)
        {
            return false;
        }

        foreach (X509Certificate2 certificate in Local.ChainFor(sa.PeerCaHashes))
        {
            // RFC 7296 §3.6: "the first certificate provided MUST contain the public key used to verify the AUTH field".
            message.Payloads.Add(new CertPayload(CertificateEncoding.X509Signature, certificate.RawDataMemory));
        }

        if (sa.IsInitiator && Trust is not null)
        {
            // RFC 7296 §1.2: HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, …}: a responder that sends its certificate
            // only when asked (strongSwan's default) is asked here, naming the CAs we check it with.
            message.Payloads.Add(new CertReqPayload(CertificateEncoding.X509Signature, Trust.AnchorKeyHashes.SelectMany(h => h).ToArray()));
        }

        byte[] octets = SignedOctets.Of(sa, sa.IsInitiator, local);
        message.Payloads.Add(new AuthPayload(choice.Method, AuthSignature.Sign(Local.Key, choice, octets)));
        return true;
    }

    public AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote) =>
        Verify(sa, message, local, remote, mayWait: false, out _);

    public AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote, bool mayWait, out object? pending)
    {
        pending = null;
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(message);
        if (message.Get<AuthPayload>() is not { } auth || !Accepts(auth.Method))
        {
            return AuthFailure.UnsupportedAuthMethod;
        }

        if (Trust is null)
        {
            return AuthFailure.UnknownIdentity;
        }

        IReadOnlyList<CertPayload> payloads = PeerCertificates.Payloads(message, Trust.MaxChainLength, out AuthFailure? malformed, out string detail);
        if (malformed is { } why)
        {
            return Refuse(sa, why, remote, detail);
        }

        // Online revocation (the responder's only): what the node's cache lacks is fetched only for a peer that proved
        // its key (PeerChainCheck asks for fetches only once the signature verified), so a stranger cannot make the
        // gateway fetch. Chains validated before come from the node's ValidatedChainCache (the responder's only too).
        RevocationCache? online = sa.IsInitiator ? null : sa.Services.Revocation;
        ValidatedChainCache? chains = sa.IsInitiator ? null : sa.Services.ValidatedChains;
        byte[] octets = SignedOctets.Of(sa, !sa.IsInitiator, remote);
        ChainVerdict verdict = PeerChainCheck.Check(Trust, payloads, remote, auth, octets, sa.Services.Time.GetUtcNow(), online, mayWait, chains);
        if (verdict.Failure is { } failure)
        {
            return Refuse(sa, failure, remote, verdict.Detail);
        }

        if (verdict.IsPending)
        {
            pending = new RevocationFetchRequest(verdict.Fetches);
        }

        return null;
    }

    private static AuthFailure Refuse(IkeSa sa, AuthFailure failure, IkeIdentity remote, string detail)
    {
        sa.FailureReason ??= $"{AuthFailureText.Describe(failure, remote)}: {detail}";
        return failure;
    }
}
