using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// Validates a peer's chain against a <see cref="TrustPolicy"/> at a given time (RFC 5280 §6, the parts IKE needs):
/// the BCL's X509Chain finds the path and checks the signatures, trusting the policy's CAs only
/// (<see cref="X509ChainTrustMode.CustomRootTrust"/>, no downloads, no system store); the checks whose reasons the
/// operator must see — validity at <c>now</c>, critical extensions, basic constraints and path length, key usage,
/// extended key usage, chain length, CRLs — are made here, each with its own <see cref="AuthFailure"/>.
/// </summary>
public static class ChainValidator
{
    /// <summary>Extensions whose meaning is checked here or by the chain engine (RFC 5280 §4.2: a certificate with
    /// any other critical extension MUST be rejected).</summary>
    private static readonly HashSet<string> KnownExtensions =
    [
        "2.5.29.15", // keyUsage
        "2.5.29.19", // basicConstraints
        "2.5.29.37", // extKeyUsage
        "2.5.29.17", // subjectAltName
        "2.5.29.14", // subjectKeyIdentifier
        "2.5.29.35", // authorityKeyIdentifier
        "2.5.29.30", // nameConstraints (enforced by the chain engine)
        "2.5.29.31", // cRLDistributionPoints
        "2.5.29.32", // certificatePolicies
        "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
    ];

    private const X509ChainStatusFlags Handled = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested
        | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation | X509ChainStatusFlags.NotValidForUsage
        | X509ChainStatusFlags.HasNotSupportedCriticalExtension | X509ChainStatusFlags.InvalidBasicConstraints | X509ChainStatusFlags.NoError;

    /// <summary>The verdict on the chain <paramref name="endEntity"/> + <paramref name="intermediates"/> at
    /// <paramref name="now"/>. Never throws for what a peer sent: an extension that does not decode is
    /// <see cref="AuthFailure.CertificateMalformed"/>. With <paramref name="online"/>, the certificates' CRL and OCSP
    /// URIs (and the policy's) are consulted there (<see cref="OnlineRevocation"/>); what it lacks is returned as
    /// <see cref="ChainVerdict.Fetches"/> when <paramref name="mayFetch"/>, else counts as a failed fetch.</summary>
    public static ChainVerdict Validate(TrustPolicy policy, X509Certificate2 endEntity, IReadOnlyList<X509Certificate2> intermediates, DateTimeOffset now,
        RevocationCache? online = null, bool mayFetch = false) =>
        Validate(policy, endEntity, intermediates, now, online, mayFetch, keep: false, out _);

    /// <summary><see cref="Validate(TrustPolicy, X509Certificate2, IReadOnlyList{X509Certificate2}, DateTimeOffset, RevocationCache?, bool)"/>;
    /// with <paramref name="keep"/>, a chain that is not refused (passed, or waiting for revocation fetches) is handed
    /// over as <paramref name="validated"/>: the path the chain engine built, owned by the caller from then on (for the
    /// <see cref="ValidatedChainCache"/>).</summary>
    public static ChainVerdict Validate(TrustPolicy policy, X509Certificate2 endEntity, IReadOnlyList<X509Certificate2> intermediates, DateTimeOffset now,
        RevocationCache? online, bool mayFetch, bool keep, out ValidatedChain? validated)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(endEntity);
        ArgumentNullException.ThrowIfNull(intermediates);
        validated = null;
        try
        {
            return ValidateChain(policy, endEntity, intermediates, now, online, mayFetch, keep, ref validated);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or System.Formats.Asn1.AsnContentException or FormatException)
        {
            // The typed extensions (basic constraints, key usage, EKU) decode when first read.
            return new(AuthFailure.CertificateMalformed, $"a certificate of the chain of '{Name(endEntity)}' does not decode: {e.Message}");
        }
    }

    private static ChainVerdict ValidateChain(TrustPolicy policy, X509Certificate2 endEntity, IReadOnlyList<X509Certificate2> intermediates, DateTimeOffset now,
        RevocationCache? online, bool mayFetch, bool keep, ref ValidatedChain? validated)
    {
        foreach (X509Certificate2 sent in intermediates.Prepend(endEntity))
        {
            // Decoded first so that a certificate with an undecodable extension is refused as malformed (the chain
            // engine would only report that no path was found).
            Decode(sent);
        }

        if (1 + intermediates.Count > policy.MaxChainLength)
        {
            return new(AuthFailure.CertificateChainTooLong, $"{1 + intermediates.Count} certificates sent, at most {policy.MaxChainLength} accepted");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(policy.Anchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        _ = chain.Build(endEntity);
        var path = chain.ChainElements.Select(e => e.Certificate).ToList();
        bool handedOver = false;
        try
        {
            ChainVerdict verdict = Judge(policy, chain, path, endEntity, now, online, mayFetch);
            if (keep && verdict.Failure is null)
            {
                validated = ValidatedChain.Own(path, endEntity, intermediates, policy);
                handedOver = true;
            }

            return verdict;
        }
        finally
        {
            // The chain's elements are certificates of its own (native handles): released now, not by a finalizer,
            // once per IKE_AUTH; what the caller passed in stays the caller's.
            foreach (X509Certificate2 element in handedOver ? [] : path)
            {
                if (!ReferenceEquals(element, endEntity) && !intermediates.Any(c => ReferenceEquals(c, element))
                    && !policy.Anchors.Any(c => ReferenceEquals(c, element)))
                {
                    element.Dispose();
                }
            }
        }
    }

    private static ChainVerdict Judge(TrustPolicy policy, X509Chain chain, List<X509Certificate2> path, X509Certificate2 endEntity, DateTimeOffset now,
        RevocationCache? online, bool mayFetch)
    {
        X509Certificate2 top = path[^1];
        if (!policy.Anchors.Any(a => a.RawData.AsSpan().SequenceEqual(top.RawData)))
        {
            return new(AuthFailure.CertificateUntrusted, $"no chain from '{Name(endEntity)}' to a configured CA (stops at issuer '{Issuer(top)}')");
        }

        if (path.Count > policy.MaxChainLength)
        {
            return new(AuthFailure.CertificateChainTooLong, $"a chain of {path.Count} certificates, at most {policy.MaxChainLength} accepted");
        }

        for (int i = 0; i < path.Count; i++)
        {
            if (Check(path[i], i, policy, now) is { } verdict)
            {
                return verdict;
            }
        }

        foreach (X509ChainElement element in chain.ChainElements)
        {
            X509ChainStatusFlags other = element.ChainElementStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status) & ~Handled;
            if (other != X509ChainStatusFlags.NoError)
            {
                return new(AuthFailure.CertificateUntrusted, $"'{Name(element.Certificate)}': {other}");
            }
        }

        return Revocation(policy, path, now, online, mayFetch);
    }

    /// <summary>The revocation part of the verdict on a validated <paramref name="path"/> (end entity first, trust
    /// anchor last): the policy's CRL files, then, with <paramref name="online"/>, the CRLs and OCSP answers fetched.
    /// Redone on every use of a chain the <see cref="ValidatedChainCache"/> holds: a certificate revoked after its chain
    /// was cached is refused all the same.</summary>
    internal static ChainVerdict Revocation(TrustPolicy policy, IReadOnlyList<X509Certificate2> path, DateTimeOffset now, RevocationCache? online, bool mayFetch)
    {
        ChainVerdict files = CrlFiles(policy, path, now);
        if (files.IsOk)
        {
            return online is null ? files : OnlineRevocation.Check(policy, path, online, now, mayFetch);
        }

        // Refused by a CRL file before anything online was asked: the verdict counts all the same.
        online?.CountVerdict(files.Failure == AuthFailure.CertificateRevoked ? RevocationVerdict.Revoked : RevocationVerdict.Unknown);
        return files;
    }

    /// <summary>The cheap part, for choosing a connection: whether the chain the peer sent (end entity first) could
    /// end at one of the policy's CAs — the issuer Name of the topmost certificate sent, following issuer → subject
    /// through the others, is a CA's subject —, from the names alone, without checking signatures.</summary>
    public static bool MayAnchor(TrustPolicy policy, IReadOnlyList<CertificateNames> sent)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(sent);
        if (sent.Count == 0)
        {
            return false;
        }

        CertificateNames top = sent[0];
        for (int hops = 0; hops < sent.Count; hops++)
        {
            if (policy.MayAnchor(top.Issuer))
            {
                return true;
            }

            CertificateNames? next = sent.Skip(1).FirstOrDefault(c => c.Subject.AsSpan().SequenceEqual(top.Issuer));
            if (next is null)
            {
                return false;
            }

            top = next;
        }

        return false;
    }

    private static void Decode(X509Certificate2 certificate)
    {
        foreach (X509Extension extension in certificate.Extensions)
        {
            _ = extension switch
            {
                X509BasicConstraintsExtension b => b.CertificateAuthority.GetHashCode() + b.PathLengthConstraint,
                X509KeyUsageExtension k => (int)k.KeyUsages,
                X509EnhancedKeyUsageExtension e => e.EnhancedKeyUsages.Count,
                _ => 0,
            };
        }

        if (SubjectAltNames.Of(certificate) is null)
        {
            throw new FormatException("the subjectAltName extension does not decode");
        }
    }

    /// <summary>Checks certificate <paramref name="index"/> of the path (0 = end entity).</summary>
    private static ChainVerdict? Check(X509Certificate2 certificate, int index, TrustPolicy policy, DateTimeOffset now)
    {
        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
        {
            return new(AuthFailure.CertificateNotYetValid, $"'{Name(certificate)}' is valid from {certificate.NotBefore.ToUniversalTime():u}");
        }

        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
        {
            return new(AuthFailure.CertificateExpired, $"'{Name(certificate)}' expired at {certificate.NotAfter.ToUniversalTime():u}");
        }

        // RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a critical
        // extension it does not recognize".
        if (certificate.Extensions.FirstOrDefault(e => e.Critical && !KnownExtensions.Contains(e.Oid?.Value ?? "")) is { } unknown)
        {
            return new(AuthFailure.CertificateCriticalExtension, $"'{Name(certificate)}' has the unknown critical extension {unknown.Oid?.Value}");
        }

        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (index == 0)
        {
            // RFC 5280 §4.2.1.3: a key that signs (AUTH) needs digitalSignature when key usage is present.
            if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
            {
                return new(AuthFailure.CertificateKeyUsage, $"'{Name(certificate)}' lacks the digitalSignature key usage");
            }

            if (policy.RequiredEku is { } eku
                && !certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == eku)))
            {
                return new(AuthFailure.CertificateExtendedKeyUsage, $"'{Name(certificate)}' lacks the extended key usage {eku}");
            }

            return null;
        }

        // RFC 5280 §6.1.4 (k): an issuer MUST have basicConstraints with cA TRUE; (l)/(m): path length.
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is null || !constraints.CertificateAuthority)
        {
            return new(AuthFailure.CertificateNotCa, $"'{Name(certificate)}' issues certificates but is not a CA (basic constraints)");
        }

        if (constraints.HasPathLengthConstraint && index - 1 > constraints.PathLengthConstraint)
        {
            return new(AuthFailure.CertificateNotCa, $"'{Name(certificate)}' allows {constraints.PathLengthConstraint} intermediate CAs below it, the chain has {index - 1}");
        }

        // RFC 5280 §6.1.4 (n): "If a key usage extension is present, verify that the keyCertSign bit is set."
        if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            return new(AuthFailure.CertificateKeyUsage, $"CA '{Name(certificate)}' lacks the keyCertSign key usage");
        }

        return null;
    }

    private static ChainVerdict CrlFiles(TrustPolicy policy, IReadOnlyList<X509Certificate2> path, DateTimeOffset now)
    {
        for (int i = 0; i + 1 < path.Count; i++)
        {
            foreach (RevocationList crl in policy.Crls.Where(c => c.IsSignedByCached(path[i + 1])))
            {
                if (crl.Revokes(path[i]))
                {
                    return new(AuthFailure.CertificateRevoked, $"'{Name(path[i])}' (serial {path[i].SerialNumber}) is revoked by the CRL of '{Name(path[i + 1])}'");
                }

                if (crl.NextUpdate is { } next && now > next)
                {
                    return new(AuthFailure.CertificateRevocationUnknown, $"the CRL of '{Name(path[i + 1])}' was due for renewal at {next.UtcDateTime:u}");
                }
            }
        }

        return ChainVerdict.Ok;
    }

    internal static string Name(X509Certificate2 certificate) =>
        DistinguishedName.TryFromDer(certificate.SubjectName.RawData, out DistinguishedName? dn) ? dn!.ToString() : "(malformed subject)";

    private static string Issuer(X509Certificate2 certificate) =>
        DistinguishedName.TryFromDer(certificate.IssuerName.RawData, out DistinguishedName? dn) ? dn!.ToString() : "(malformed issuer)";
}
