using System.Net;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// Whether an IKE identity is the certificate's (RFC 7296 §3.5 and §2.15: the identity in IDi/IDr is the one the
/// signature proves, so it must be bound to the key): ID_DER_ASN1_DN equals the subject DN, ID_FQDN a dNSName,
/// ID_RFC822_ADDR an rfc822Name, ID_IPV4_ADDR/ID_IPV6_ADDR an iPAddress subjectAltName (strongSwan's
/// certificate_t has_subject).
/// </summary>
public static class IdentityBinding
{
    public static bool Binds(X509Certificate2 certificate, IkeIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.IsAny)
        {
            return false;
        }

        if (identity.Type == IdType.DerAsn1Dn)
        {
            return DistinguishedName.TryFromDer(identity.Data.Span, out DistinguishedName? asked)
                && DistinguishedName.TryFromDer(certificate.SubjectName.RawData, out DistinguishedName? subject)
                && asked!.Equals(subject);
        }

        if (SubjectAltNames.Of(certificate) is not { } names)
        {
            return false;
        }

        string text = System.Text.Encoding.ASCII.GetString(identity.Data.Span);
        return identity.Type switch
        {
            IdType.Fqdn => names.Dns.Any(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)),
            IdType.Rfc822Address => names.Email.Any(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)),
            IdType.Ipv4Address or IdType.Ipv6Address => identity.Data.Length is 4 or 16 && names.Addresses.Contains(new IPAddress(identity.Data.Span)),
            _ => false,
        };
    }

    /// <summary>The identity a certificate stands for when none is configured: its subject DN (strongSwan does the same).</summary>
    public static IkeIdentity SubjectOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new IkeIdentity(IdType.DerAsn1Dn, certificate.SubjectName.RawData);
    }
}
