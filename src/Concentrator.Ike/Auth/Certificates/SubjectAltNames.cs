using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>The subjectAltName entries of a certificate that IKE identities bind to (RFC 5280 §4.2.1.6): dNSName,
/// rfc822Name and iPAddress; other GeneralName forms are skipped.</summary>
public sealed record SubjectAltNames(IReadOnlyList<string> Dns, IReadOnlyList<string> Email, IReadOnlyList<IPAddress> Addresses)
{
    private const string Oid = "2.5.29.17";

    public static SubjectAltNames None { get; } = new([], [], []);

    /// <summary>The names of <paramref name="certificate"/>; <see cref="None"/> without the extension; null when the
    /// extension is malformed.</summary>
    public static SubjectAltNames? Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        X509Extension? extension = certificate.Extensions[Oid];
        if (extension is null)
        {
            return None;
        }

        var dns = new List<string>();
        var email = new List<string>();
        var addresses = new List<IPAddress>();
        try
        {
            // GeneralNames ::= SEQUENCE OF GeneralName; rfc822Name [1] IA5String, dNSName [2] IA5String, iPAddress [7] OCTET STRING.
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            AsnReader names = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (names.HasData)
            {
                Asn1Tag tag = names.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    return null;
                }

                switch (tag.TagValue)
                {
                    case 1:
                        email.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 2:
                        dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 7:
                        byte[] ip = names.ReadOctetString(tag);
                        if (ip.Length is 4 or 16)
                        {
                            addresses.Add(new IPAddress(ip));
                        }

                        break;
                    default:
                        _ = names.ReadEncodedValue();
                        break;
                }
            }
        }
        catch (AsnContentException)
        {
            return null;
        }

        return new SubjectAltNames(dns, email, addresses);
    }
}
