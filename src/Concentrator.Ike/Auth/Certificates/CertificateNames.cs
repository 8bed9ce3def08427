using System.Formats.Asn1;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>The issuer and subject Names (DER) of a DER certificate, read straight from its TBSCertificate
/// (RFC 5280 §4.1) without building an X509Certificate2: what choosing a connection by the peer's CA needs, for
/// every candidate, at a fraction of a full parse.</summary>
public sealed record CertificateNames(byte[] Issuer, byte[] Subject)
{
    /// <summary>The names of <paramref name="der"/>; null when it is no certificate.</summary>
    public static CertificateNames? Read(ReadOnlyMemory<byte> der)
    {
        try
        {
            // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature,
            //                            issuer Name, validity, subject Name, … }, … }
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader certificate = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            AsnReader tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                _ = tbs.ReadEncodedValue();
            }

            _ = tbs.ReadIntegerBytes();
            _ = tbs.ReadSequence();
            byte[] issuer = tbs.ReadEncodedValue().ToArray();
            _ = tbs.ReadSequence();
            byte[] subject = tbs.ReadEncodedValue().ToArray();
            return new CertificateNames(issuer, subject);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
