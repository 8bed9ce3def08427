using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Crypto.Ocsp;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// Revocation of each certificate of a validated path as strongSwan's revocation plugin does
/// (revocation_validator.c): OCSP first — the URIs configured for its CA, then those of its authority information
/// access —, then CRLs — the files, the URIs configured for its CA, its distribution points — when OCSP did not say
/// "good"; a revoked certificate is refused under every policy, and the status reached (good, skipped: nothing to ask,
/// stale, failed) is held against the connection's <see cref="RevocationPolicy"/> as auth_cfg complies() does.
/// Answers come from the <see cref="RevocationCache"/>; what is not there is asked for (<see cref="ChainVerdict.Fetches"/>)
/// when <c>mayFetch</c>, else counts as a failed fetch.
/// </summary>
internal static class OnlineRevocation
{
    private enum Status
    {
        Skipped,
        Good,
        Stale,
        Failed,
    }

    public static ChainVerdict Check(TrustPolicy policy, IReadOnlyList<X509Certificate2> path, RevocationCache cache, DateTimeOffset now, bool mayFetch)
    {
        var fetches = new List<RevocationFetch>();
        bool allGood = true;
        bool allSkipped = true;
        for (int i = 0; i + 1 < path.Count; i++)
        {
            X509Certificate2 certificate = path[i];
            X509Certificate2 issuer = path[i + 1];
            bool byAnchor = policy.Anchors.Any(a => a.RawData.AsSpan().SequenceEqual(issuer.RawData));
            int before = fetches.Count;
            (Status ocsp, string ocspWhy, ChainVerdict? revoked) = Ocsp(policy, certificate, issuer, byAnchor, cache, now, mayFetch, fetches);
            if (revoked is not null)
            {
                return Counted(cache, revoked, RevocationVerdict.Revoked);
            }

            if (fetches.Count > before || ocsp == Status.Good)
            {
                allSkipped = false;
                continue;
            }

            (Status crl, string crlWhy, revoked) = Crl(policy, certificate, issuer, byAnchor, cache, now, mayFetch, fetches);
            if (revoked is not null)
            {
                return Counted(cache, revoked, RevocationVerdict.Revoked);
            }

            if (fetches.Count > before)
            {
                allSkipped = false;
                continue;
            }

            // strongSwan: the CRL's verdict stands, except that nothing to ask by CRL leaves OCSP's failure standing.
            (Status status, string why) = crl == Status.Skipped && ocsp == Status.Failed ? (ocsp, ocspWhy) : (crl, crlWhy);
            allGood &= status == Status.Good;
            allSkipped &= status == Status.Skipped;
            bool fails = policy.Revocation switch
            {
                RevocationPolicy.Strict => status != Status.Good,
                RevocationPolicy.IfUri => status is Status.Stale or Status.Failed,
                _ => false,
            };
            if (fails)
            {
                string name = $"'{ChainValidator.Name(certificate)}' (serial {certificate.SerialNumber})";
                return Counted(cache, new(AuthFailure.CertificateRevocationUnknown, status == Status.Skipped
                    ? $"no revocation information for {name} (no CRL or OCSP URI) and revocation = {Name(policy.Revocation)}"
                    : $"the revocation status of {name} is unknown and revocation = {Name(policy.Revocation)}: {why}"), RevocationVerdict.Unknown);
            }
        }

        // A check that returns fetches is not done yet (it runs again once they are in) and counts nothing.
        return fetches.Count > 0
            ? new ChainVerdict(null, "revocation information is being fetched") { Fetches = fetches }
            : Counted(cache, ChainVerdict.Ok, allSkipped ? RevocationVerdict.None : allGood ? RevocationVerdict.Good : RevocationVerdict.Unknown);
    }

    private static ChainVerdict Counted(RevocationCache cache, ChainVerdict verdict, RevocationVerdict counted)
    {
        cache.CountVerdict(counted);
        return verdict;
    }

    private static (Status, string, ChainVerdict?) Ocsp(TrustPolicy policy, X509Certificate2 certificate, X509Certificate2 issuer, bool byAnchor,
        RevocationCache cache, DateTimeOffset now, bool mayFetch, List<RevocationFetch> fetches)
    {
        var uris = (byAnchor ? policy.OcspUris : []).Concat(RevocationUris.Ocsp(certificate)).Distinct().ToList();
        if (uris.Count == 0)
        {
            return (Status.Skipped, "no OCSP URI", null);
        }

        string why = "";
        byte[]? request = null;
        foreach (Uri uri in uris)
        {
            string key = $"ocsp {uri} {Convert.ToHexString(TrustPolicy.KeyHash(issuer))} {certificate.SerialNumber}";
            if (!cache.TryGet(key, now, out object? known))
            {
                if (mayFetch)
                {
                    request ??= OcspCodec.Request(certificate, issuer);
                    fetches.Add(new RevocationFetch(RevocationSource.Ocsp, uri, key, request, certificate.RawData, issuer.RawData));
                    return (Status.Failed, "fetching", null);
                }

                why = $"no answer from the OCSP responder {uri}";
                continue;
            }

            switch (known)
            {
                case OcspAnswer { Status: OcspStatus.Good } answer when now <= (answer.NextUpdate ?? now):
                    return (Status.Good, "", null);
                case OcspAnswer { Status: OcspStatus.Revoked } answer:
                    return (Status.Failed, "", new(AuthFailure.CertificateRevoked,
                        $"'{ChainValidator.Name(certificate)}' (serial {certificate.SerialNumber}) is revoked according to the OCSP responder {uri}: {answer.Detail}"));
                case OcspAnswer answer:
                    why = $"the OCSP responder {uri} answered: {answer.Detail}";
                    break;
                case FetchFailure failure:
                    why = $"OCSP {uri}: {failure.Reason}";
                    break;
            }
        }

        return (Status.Failed, why, null);
    }

    private static (Status, string, ChainVerdict?) Crl(TrustPolicy policy, X509Certificate2 certificate, X509Certificate2 issuer, bool byAnchor,
        RevocationCache cache, DateTimeOffset now, bool mayFetch, List<RevocationFetch> fetches)
    {
        // The CRL files were checked for revocation and freshness before (ChainValidator); a current one settles it.
        if (policy.Crls.Any(c => c.IsSignedByCached(issuer) && (c.NextUpdate is null || now <= c.NextUpdate)))
        {
            return (Status.Good, "", null);
        }

        var uris = (byAnchor ? policy.CrlUris : []).Concat(RevocationUris.Crl(certificate)).Distinct().ToList();
        if (uris.Count == 0)
        {
            return (Status.Skipped, "no CRL URI", null);
        }

        Status status = Status.Failed;
        string why = "";
        foreach (Uri uri in uris)
        {
            string key = $"crl {uri}";
            if (!cache.TryGet(key, now, out object? known))
            {
                if (mayFetch)
                {
                    fetches.Add(new RevocationFetch(RevocationSource.Crl, uri, key, null, certificate.RawData, issuer.RawData));
                    return (Status.Failed, "fetching", null);
                }

                why = $"no CRL from {uri}";
                continue;
            }

            switch (known)
            {
                case RevocationList crl when !crl.IsSignedByCached(issuer):
                    why = $"the CRL at {uri} is not signed by '{ChainValidator.Name(issuer)}'";
                    break;
                case RevocationList crl when crl.Revokes(certificate):
                    return (Status.Failed, "", new(AuthFailure.CertificateRevoked,
                        $"'{ChainValidator.Name(certificate)}' (serial {certificate.SerialNumber}) is revoked by the CRL at {uri}"));
                case RevocationList crl when crl.NextUpdate is { } next && now > next:
                    // strongSwan uses a stale CRL to find revoked certificates but calls the status stale.
                    status = Status.Stale;
                    why = $"the CRL at {uri} was due for renewal at {next.UtcDateTime:u}";
                    break;
                case RevocationList:
                    return (Status.Good, "", null);
                case FetchFailure failure:
                    why = $"CRL {uri}: {failure.Reason}";
                    break;
            }
        }

        return (status, why, null);
    }

    private static string Name(RevocationPolicy policy) => policy switch
    {
        RevocationPolicy.Strict => "strict",
        RevocationPolicy.IfUri => "ifuri",
        _ => "relaxed",
    };
}
