using System.Net;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>An IKE identity (RFC 7296 §3.5) as configured and as received: ID type and Identification Data.
/// Text form as strongSwan writes it: an IP address, "user@example.org" (RFC822), "@#0123abcd" an ID_KEY_ID (its octets
/// in hex), anything else an FQDN, and "%any" for "whatever the peer says" in lookups.</summary>
public sealed class IkeIdentity : IEquatable<IkeIdentity>
{
    /// <summary>Matches every identity in lookups; never sent.</summary>
    public static IkeIdentity Any { get; } = new(IdType.Null, ReadOnlyMemory<byte>.Empty, isAny: true);

    private readonly bool _isAny;
    private string? _text;

    public IkeIdentity(IdType type, ReadOnlyMemory<byte> data)
        : this(type, data, isAny: false)
    {
    }

    private IkeIdentity(IdType type, ReadOnlyMemory<byte> data, bool isAny)
    {
        Type = type;
        Data = data.ToArray();
        _isAny = isAny;
    }

    public IdType Type { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public bool IsAny => _isAny;

    public static IkeIdentity Parse(string text)
    {
        if (text == "%any")
        {
            return Any;
        }

        if (TryParseKeyId(text, out byte[]? keyId))
        {
            // RFC 7296 §3.5: ID_KEY_ID "an opaque octet stream that may be used to pass vendor-specific information".
            return new IkeIdentity(IdType.KeyId, keyId);
        }

        if (IPAddress.TryParse(text, out IPAddress? address))
        {
            IdPayload p = IdPayload.Address(true, address);
            return new IkeIdentity(p.IdType, p.Data);
        }

        // strongSwan's text DN, "C=CH, O=Example, CN=gw" (DER order): FQDNs and mail addresses have no '='.
        if (text.Contains('=', StringComparison.Ordinal) && DistinguishedName.TryParse(text, out DistinguishedName? dn))
        {
            return new IkeIdentity(IdType.DerAsn1Dn, dn!.ToDer());
        }

        byte[] ascii = System.Text.Encoding.ASCII.GetBytes(text);
        return new IkeIdentity(text.Contains('@', StringComparison.Ordinal) ? IdType.Rfc822Address : IdType.Fqdn, ascii);
    }

    /// <summary>strongSwan's "@#" prefix: the rest is the key id in hex, at least one octet. False for any other text,
    /// and for "@#" followed by something that is not an even number of hex digits (<see cref="IsKeyIdSyntax"/>).</summary>
    public static bool TryParseKeyId(string text, out byte[]? keyId)
    {
        ArgumentNullException.ThrowIfNull(text);
        keyId = null;
        if (!IsKeyIdSyntax(text) || text.Length == 2 || text.Length % 2 != 0 || !text.Skip(2).All(char.IsAsciiHexDigit))
        {
            return false;
        }

        keyId = Convert.FromHexString(text.AsSpan(2));
        return true;
    }

    /// <summary>Whether the text claims to be a key id ("@#…"), well formed or not: configuration refuses a bad one
    /// rather than take it for an FQDN.</summary>
    public static bool IsKeyIdSyntax(string text) => text is not null && text.StartsWith("@#", StringComparison.Ordinal);

    public static IkeIdentity From(IdPayload payload) => new(payload.IdType, payload.Data);

    public IdPayload ToPayload(bool initiator) => new(initiator, Type, Data);

    /// <summary>RFC 7296 §2.15: the ID payload after its generic header (ID Type, RESERVED, data), which
    /// MACedIDFor{I,R} covers.</summary>
    public byte[] PayloadBody()
    {
        var body = new byte[4 + Data.Length];
        body[0] = (byte)Type;
        Data.Span.CopyTo(body.AsSpan(4));
        return body;
    }

    /// <summary>Whether the identity can be taken for what it says. RFC 7296 §3.5: ID_FQDN "MUST NOT contain any
    /// terminators (e.g., NULL, CR, etc.). All characters in the ID_FQDN are ASCII" (IDNs as A-labels), and
    /// ID_RFC822_ADDR "MUST NOT contain any terminators". Neither syntax has spaces, so an FQDN or RFC 822 identity
    /// is well formed when it is not empty and every octet is printable ASCII other than space.</summary>
    public bool IsWellFormed => Type is not (IdType.Fqdn or IdType.Rfc822Address) || IsPrintableText(Data.Span);

    private static bool IsPrintableText(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (byte b in text)
        {
            if (b is <= 0x20 or >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How well this configured identity (a connection's remote.id) matches the peer's
    /// <paramref name="peer"/>, as strongSwan's identification_t matches does: 0 no match, 1 for %any, for a pattern
    /// <c>*@domain</c> (RFC 822) or <c>*.domain</c> (FQDN) 2 plus the length of the suffix it fixes (a longer suffix
    /// is more specific), <see cref="int.MaxValue"/> for the same identity. Patterns compare without regard to ASCII
    /// case, as text identities do. ASN.1 DNs compare as names (<see cref="DistinguishedName"/>): the same name is
    /// <see cref="int.MaxValue"/>, one fitting a pattern with <c>*</c> values (<c>"C=CH, O=Example, CN=*"</c>) 2 plus
    /// the number of attributes it fixes, so an exact DN beats a wildcard DN beats %any.</summary>
    public int Match(IkeIdentity peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_isAny)
        {
            return 1;
        }

        if (Equals(peer))
        {
            return int.MaxValue;
        }

        if (Type == IdType.DerAsn1Dn && peer.Type == IdType.DerAsn1Dn && !peer._isAny)
        {
            return MatchDn(peer);
        }

        if (!IsPattern || peer._isAny || peer.Type != Type)
        {
            return 0;
        }

        // "*@example.org" fixes "@example.org", "*.example.org" fixes ".example.org": the peer's identity must end
        // with it and have something in front of it.
        ReadOnlySpan<byte> suffix = Data.Span[1..];
        ReadOnlySpan<byte> data = peer.Data.Span;
        return data.Length > suffix.Length && System.Text.Ascii.EqualsIgnoreCase(data[^suffix.Length..], suffix)
            ? 2 + suffix.Length
            : 0;
    }

    private int MatchDn(IkeIdentity peer)
    {
        if (!DistinguishedName.TryFromDer(Data.Span, out DistinguishedName? mine) || !DistinguishedName.TryFromDer(peer.Data.Span, out DistinguishedName? theirs)
            || theirs!.Wildcards > 0)
        {
            return 0;
        }

        return mine!.Wildcards == 0 ? (mine.Equals(theirs) ? int.MaxValue : 0)
            : mine.Matches(theirs) ? 2 + mine.Attributes.Count - mine.Wildcards : 0;
    }

    /// <summary>A configured wildcard: <c>*@domain</c> (RFC 822) or <c>*.domain</c> (FQDN), see <see cref="Match"/>.</summary>
    public bool IsPattern =>
        Data.Length > 2 && Data.Span[0] == (byte)'*'
        && ((Type == IdType.Rfc822Address && Data.Span[1] == (byte)'@') || (Type == IdType.Fqdn && Data.Span[1] == (byte)'.'));

    /// <summary>FQDN and RFC 822 identities compare without regard to ASCII case, as DNS names and mail domains
    /// do (strongSwan's identification_t equals them with strncaseeq); every other type octet by octet.</summary>
    private bool IsText => Type is IdType.Fqdn or IdType.Rfc822Address;

    public bool Equals(IkeIdentity? other) =>
        other is not null && other._isAny == _isAny && other.Type == Type
        && (IsText ? System.Text.Ascii.EqualsIgnoreCase(other.Data.Span, Data.Span) : other.Data.Span.SequenceEqual(Data.Span));

    public override bool Equals(object? obj) => Equals(obj as IkeIdentity);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        if (IsText)
        {
            foreach (byte b in Data.Span)
            {
                hash.Add(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b);
            }
        }
        else
        {
            hash.AddBytes(Data.Span);
        }

        return hash.ToHashCode();
    }

    /// <summary>The text, made once: the SA's summary and its lease in the pool keep this one string rather than a copy
    /// each (issue 13: a hundred thousand identities held).</summary>
    public override string ToString() => _text ??= _isAny ? "%any" : ToPayload(true).ToString();
}
