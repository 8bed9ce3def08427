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

    /// <summary>The X.509 CERT payloads of <paramref name="message"/>, end entity first, after the checks that need no
    /// parsing: at least one, at most <paramref name="maxChainLength"/>, none over <see cref="MaxCertificateLength"/>
    /// (a peer cannot make us parse an unbounded amount of DER).</summary>
    public static IReadOnlyList<CertPayload> Payloads(IkeMessage message, int maxChainLength, out AuthFailure? failure, out string detail)
    {
        ArgumentNullException.ThrowIfNull(message);
        var payloads = message.GetAll<CertPayload>().Where(c => c.Encoding == CertificateEncoding.X509Signature).ToList();
        (failure, detail) = payloads.Count == 0
            ? (AuthFailure.CertificateMissing, "no CERT payload of encoding 4 (X.509 Certificate - Signature)")
            : payloads.Count > maxChainLength
                ? (AuthFailure.CertificateChainTooLong, $"{payloads.Count} certificates sent, at most {maxChainLength} accepted")
                : payloads.FindIndex(p => p.Data.Length > MaxCertificateLength) is var big and >= 0
                    ? (AuthFailure.CertificateMalformed, $"CERT payload {big + 1} holds {payloads[big].Data.Length} octets, more than the {MaxCertificateLength} accepted")
                    : ((AuthFailure?)null, "");
        return failure is null ? payloads : [];
    }

    /// <summary>The certificates of <paramref name="message"/>, parsed, after <see cref="Payloads"/>' checks.</summary>
    public static PeerCertificates From(IkeMessage message, int maxChainLength, out AuthFailure? failure, out string detail)
    {
        IReadOnlyList<CertPayload> payloads = Payloads(message, maxChainLength, out failure, out detail);
        return failure is null ? From(payloads, out failure, out detail) : new PeerCertificates();
    }

    /// <summary>The certificates of <paramref name="payloads"/> (which passed <see cref="Payloads"/>' checks), parsed.</summary>
    public static PeerCertificates From(IReadOnlyList<CertPayload> payloads, out AuthFailure? failure, out string detail)
    {
        (failure, detail) = (null, "");
        var result = new PeerCertificates();
        foreach (CertPayload payload in payloads)
        {
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
