using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>The HTTP URIs a certificate names for its revocation status: CRL distribution points (RFC 5280 §4.2.1.13)
/// and OCSP responders in its authority information access (§4.2.2.1). Other schemes (ldap) are not fetched.</summary>
public static class RevocationUris
{
    private const string CrlDistributionPoints = "2.5.29.31";

    /// <summary>The http URIs of the certificate's fullName distribution points; none when it has none or they do not decode.</summary>
    public static IReadOnlyList<Uri> Crl(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = new List<Uri>();
        if (certificate.Extensions[CrlDistributionPoints] is not { } extension)
        {
            return uris;
        }

        try
        {
            // CRLDistributionPoints ::= SEQUENCE OF DistributionPoint
            // DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, reasons [1] OPTIONAL,
            //                                  cRLIssuer [2] OPTIONAL }
            // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] }
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            AsnReader points = reader.ReadSequence();
            while (points.HasData)
            {
                AsnReader point = points.ReadSequence();
                if (!point.HasData || !point.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    continue;
                }

                AsnReader name = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
                if (!name.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    continue;
                }

                AsnReader fullName = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
                while (fullName.HasData)
                {
                    // GeneralName: uniformResourceIdentifier [6] IA5String (implicit)
                    var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
                    if (fullName.PeekTag().HasSameClassAndValue(uriTag))
                    {
                        Add(uris, fullName.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                    }
                    else
                    {
                        _ = fullName.ReadEncodedValue();
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            // A peer's undecodable extension names nothing to fetch; the policy decides what no URI means.
        }

        return uris;
    }

    /// <summary>The http URIs of the certificate's id-ad-ocsp access descriptions.</summary>
    public static IReadOnlyList<Uri> Ocsp(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = new List<Uri>();
        try
        {
            foreach (X509AuthorityInformationAccessExtension aia in certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>())
            {
                foreach (string uri in aia.EnumerateOcspUris())
                {
                    Add(uris, uri);
                }
            }
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or AsnContentException)
        {
            // As for CRLs: nothing to fetch.
        }

        return uris;
    }

    private static void Add(List<Uri> uris, string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttp && !uris.Contains(uri))
        {
            uris.Add(uri);
        }
    }
}
