using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>
/// A peer's certificates and AUTH signature, checked in the order the refusals are reported: its chain against the
/// trust policy (revocation included), its identity bound to the end entity, then the signature with the end entity's
/// key. With a <see cref="ValidatedChainCache"/>, a chain validated before is not parsed or validated again: only its
/// validity period (against <c>now</c>, the injected clock), revocation, the identity binding and the signature are
/// checked, with the key parsed when it was validated; a chain that passed in full goes into the cache.
/// </summary>
internal static class PeerChainCheck
{
    /// <summary>The verdict on the certificates <paramref name="payloads"/> (already checked by
    /// <see cref="PeerCertificates.Payloads"/>) and the signature <paramref name="auth"/> over <paramref name="octets"/>.</summary>
    public static ChainVerdict Check(TrustPolicy trust, IReadOnlyList<CertPayload> payloads, IkeIdentity remote, AuthPayload auth, byte[] octets,
        DateTimeOffset now, RevocationCache? online, bool mayFetch, ValidatedChainCache? chains)
    {
        ChainKey key = default;
        if (chains is not null)
        {
            key = chains.KeyOf(trust, payloads.Select(p => p.Data).ToList());
            if (chains.TryGet(key, out ValidatedChain? known))
            {
                if (known.IsValidAt(now))
                {
                    return Known(trust, known, remote, auth, octets, now, online, mayFetch);
                }

                // Past a certificate's validity: validated again in full below, which names the certificate at fault.
                chains.Remove(key);
            }
        }

        using PeerCertificates sent = PeerCertificates.From(payloads, out AuthFailure? malformed, out string detail);
        if (malformed is { } why)
        {
            return new ChainVerdict(why, detail);
        }

        ChainVerdict verdict = ChainValidator.Validate(trust, sent.EndEntity!, sent.Intermediates, now, online, mayFetch, keep: chains is not null,
            out ValidatedChain? validated);
        if (verdict.Failure is not null)
        {
            return verdict;
        }

        ChainVerdict signed = Signed(sent.EndEntity!, remote, auth, octets, validated);
        if (validated is not null)
        {
            if (signed.Failure is null)
            {
                chains!.Add(key, validated);
            }
            else
            {
                validated.Discard(trust);
            }
        }

        return signed.Failure is null ? verdict : signed;
    }

    private static ChainVerdict Known(TrustPolicy trust, ValidatedChain known, IkeIdentity remote, AuthPayload auth, byte[] octets,
        DateTimeOffset now, RevocationCache? online, bool mayFetch)
    {
        // Revocation is never cached here: a certificate revoked (CRL file, fetched CRL, OCSP) after its chain was cached
        // is refused on its next use.
        ChainVerdict verdict = ChainValidator.Revocation(trust, known.Path, now, online, mayFetch);
        if (verdict.Failure is not null)
        {
            return verdict;
        }

        ChainVerdict signed = Signed(known.EndEntity, remote, auth, octets, known);
        return signed.Failure is null ? verdict : signed;
    }

    /// <summary>The identity binding and the signature: <see cref="ChainVerdict.Ok"/> or the refusal.</summary>
    private static ChainVerdict Signed(System.Security.Cryptography.X509Certificates.X509Certificate2 endEntity, IkeIdentity remote, AuthPayload auth,
        byte[] octets, ValidatedChain? keys)
    {
        if (!IdentityBinding.Binds(endEntity, remote))
        {
            return new(AuthFailure.CertificateIdentityNotBound, $"the certificate '{ChainValidator.Name(endEntity)}' does not name it");
        }

        VerifyingKey? key = keys is not null ? keys.RentKey() : VerifyingKey.From(endEntity);
        if (key is null)
        {
            return new(AuthFailure.CertificateMalformed, "the certificate's key is not RSA, ECDSA P-256/384/521 or Ed25519");
        }

        try
        {
            return AuthSignature.Verify(key, auth, octets) is { } refused ? new(AuthFailure.SignatureInvalid, refused) : ChainVerdict.Ok;
        }
        finally
        {
            if (keys is not null)
            {
                keys.Return(key);
            }
            else
            {
                key.Dispose();
            }
        }
    }
}
