using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>The X.509 certificates of a message's CERT payloads, parsed; disposed with the check.</summary>
internal sealed class PeerCertificates : IDisposable
{
    /// <summary>A 4096-bit RSA certificate is ~1.5 KB; one this large is refused before the DER parser sees it.</summary>
    private const int MaxCertificateLength = 16384;

    private readonly List<X509Certificate2> _all = [];

    public X509Certificate2? EndEntity => _all.Count > 0 ? _all[0] : null;

    public IReadOnlyList<X509Certificate2> Intermediates => _all.Count > 1 ? _all[1..] : [];

    public static PeerCertificates From(IkeMessage message, int maxChainLength, out AuthFailure? failure, out string detail)
    {
        var result = new PeerCertificates();
        failure = null;
        detail = "";
        var payloads = message.GetAll<CertPayload>().Where(c => c.Encoding == CertificateEncoding.X509Signature).ToList();
        if (payloads.Count == 0)
        {
            (failure, detail) = (AuthFailure.CertificateMissing, "no CERT payload of encoding 4 (X.509 Certificate - Signature)");
            return result;
        }

        if (payloads.Count > maxChainLength)
        {
            // Refused before any parsing: a peer cannot make us load an unbounded number of certificates.
            (failure, detail) = (AuthFailure.CertificateChainTooLong, $"{payloads.Count} certificates sent, at most {maxChainLength} accepted");
            return result;
        }

        foreach (CertPayload payload in payloads)
        {
            if (payload.Data.Length > MaxCertificateLength)
            {
                (failure, detail) = (AuthFailure.CertificateMalformed, $"CERT payload {result._all.Count + 1} holds {payload.Data.Length} octets, more than the {MaxCertificateLength} accepted");
                return result;
            }

            try
            {
                result._all.Add(X509CertificateLoader.LoadCertificate(payload.Data.Span));
            }
            catch (CryptographicException e)
            {
                (failure, detail) = (AuthFailure.CertificateMalformed, $"CERT payload {result._all.Count + 1} is no DER certificate ({e.Message})");
                return result;
            }
        }

        return result;
    }

    public void Dispose()
    {
        foreach (X509Certificate2 c in _all)
        {
            c.Dispose();
        }
    }
}
