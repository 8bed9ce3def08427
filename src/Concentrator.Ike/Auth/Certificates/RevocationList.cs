using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Crypto.Signature;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// An X.509 CRL (RFC 5280 §5) read from a file: issuer, thisUpdate, nextUpdate and the revoked serial numbers,
/// with the signed part kept so the issuing CA's signature can be checked (<see cref="IsSignedBy"/>).
/// </summary>
public sealed class RevocationList
{
    private readonly HashSet<string> _revoked;
    private readonly byte[] _tbs;
    private readonly byte[] _signatureAlgorithm;
    private readonly byte[] _signature;
    private byte[]? _digest;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _signedBy = new(StringComparer.Ordinal);

    private RevocationList(byte[] issuer, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, HashSet<string> revoked,
        byte[] tbs, byte[] signatureAlgorithm, byte[] signature)
    {
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        _revoked = revoked;
        _tbs = tbs;
        _signatureAlgorithm = signatureAlgorithm;
        _signature = signature;
    }

    /// <summary>The issuer Name, DER.</summary>
    public byte[] Issuer { get; }

    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When a newer list is due; past it, this one no longer says whether a certificate is revoked.</summary>
    public DateTimeOffset? NextUpdate { get; }

    public int Count => _revoked.Count;

    /// <summary>A SHA-256 of the signed part and the signature: which list this is (<see cref="ValidatedChainCache"/>).</summary>
    internal byte[] Digest => _digest ??= SHA256.HashData([.. _tbs, .. _signature]);

    /// <summary>Reads a CRL in DER or PEM ("X509 CRL"); <see cref="FormatException"/> saying what is wrong.</summary>
    public static RevocationList Parse(ReadOnlySpan<byte> data)
    {
        byte[] der = data.ToArray();
        string text = System.Text.Encoding.ASCII.GetString(data);
        if (PemEncoding.TryFind(text, out PemFields fields))
        {
            string label = text[fields.Label];
            der = label == "X509 CRL" ? Convert.FromBase64String(text[fields.Base64Data])
                : throw new FormatException($"expected a CRL (-----BEGIN X509 CRL-----), found a PEM block '{label}'");
        }

        try
        {
            // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader list = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            byte[] tbs = list.PeekEncodedValue().ToArray();
            AsnReader body = list.ReadSequence();
            byte[] algorithm = list.ReadEncodedValue().ToArray();
            byte[] signature = list.ReadBitString(out _);
            list.ThrowIfNotEmpty();

            // TBSCertList ::= SEQUENCE { version OPTIONAL, signature, issuer, thisUpdate, nextUpdate OPTIONAL,
            //                             revokedCertificates OPTIONAL, crlExtensions [0] OPTIONAL }
            if (body.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                _ = body.ReadInteger();
            }

            _ = body.ReadEncodedValue();
            byte[] issuer = body.ReadEncodedValue().ToArray();
            DateTimeOffset thisUpdate = ReadTime(body);
            DateTimeOffset? nextUpdate = body.HasData && IsTime(body.PeekTag()) ? ReadTime(body) : null;
            var revoked = new HashSet<string>(StringComparer.Ordinal);
            if (body.HasData && body.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                AsnReader entries = body.ReadSequence();
                while (entries.HasData)
                {
                    AsnReader entry = entries.ReadSequence();
                    revoked.Add(Serial(entry.ReadIntegerBytes().Span));
                }
            }

            return new RevocationList(issuer, thisUpdate, nextUpdate, revoked, tbs, algorithm, signature);
        }
        catch (AsnContentException e)
        {
            throw new FormatException("expected a DER or PEM X.509 CRL: " + e.Message, e);
        }
    }

    /// <summary>Whether <paramref name="issuer"/> issued this list: same Name and its key verifies the signature.</summary>
    public bool IsSignedBy(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!DistinguishedName.TryFromDer(Issuer, out DistinguishedName? mine)
            || !DistinguishedName.TryFromDer(issuer.SubjectName.RawData, out DistinguishedName? theirs) || !mine!.Equals(theirs)
            || !DigitalSignatureAuth.TryParseCertificateIdentifier(_signatureAlgorithm, out SignatureScheme scheme))
        {
            return false;
        }

        using VerifyingKey? key = VerifyingKey.From(issuer);
        return key is not null && key.Verify(scheme, _tbs, _signature);
    }

    /// <summary><see cref="IsSignedBy"/>, remembered per issuer certificate (one signature check per CA, not per peer).</summary>
    internal bool IsSignedByCached(X509Certificate2 issuer) =>
        _signedBy.GetOrAdd(issuer.Thumbprint, _ => IsSignedBy(issuer));

    /// <summary>Whether the list names <paramref name="certificate"/>'s serial number.</summary>
    public bool Revokes(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return _revoked.Contains(Serial(certificate.SerialNumberBytes.Span));
    }

    private static string Serial(ReadOnlySpan<byte> bigEndian)
    {
        // INTEGER octets with any leading zero octets dropped, so 00 8f and 8f are one serial.
        int start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(bigEndian[start..]);
    }

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UtcTime)) || tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.GeneralizedTime));

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UtcTime)) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
