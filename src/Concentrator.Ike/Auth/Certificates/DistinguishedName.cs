using System.Formats.Asn1;
using System.Text;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// An X.500 distinguished name (RFC 5280 §4.1.2.4) as a sequence of attribute type and value, in DER order, the
/// order strongSwan writes and reads its text: <c>"C=CH, O=Example, CN=gw"</c>. Values compare without regard to
/// ASCII case or string type (PrintableString "CH" equals UTF8String "ch"), as strongSwan's
/// identification_t compares DNs; a value <c>*</c> in a configured name is a wildcard for one attribute's value.
/// </summary>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private static readonly Dictionary<string, string> OidsByKey = new(StringComparer.OrdinalIgnoreCase)
    {
        ["C"] = "2.5.4.6", ["ST"] = "2.5.4.8", ["S"] = "2.5.4.8", ["L"] = "2.5.4.7", ["O"] = "2.5.4.10",
        ["OU"] = "2.5.4.11", ["CN"] = "2.5.4.3", ["SN"] = "2.5.4.4", ["G"] = "2.5.4.42", ["GN"] = "2.5.4.42",
        ["serialNumber"] = "2.5.4.5", ["T"] = "2.5.4.12", ["street"] = "2.5.4.9", ["postalCode"] = "2.5.4.17",
        ["dnQualifier"] = "2.5.4.46", ["pseudonym"] = "2.5.4.65", ["DC"] = "0.9.2342.19200300.100.1.25",
        ["UID"] = "0.9.2342.19200300.100.1.1", ["E"] = "1.2.840.113549.1.9.1", ["emailAddress"] = "1.2.840.113549.1.9.1",
    };

    private static readonly Dictionary<string, string> KeysByOid = new()
    {
        ["2.5.4.6"] = "C", ["2.5.4.8"] = "ST", ["2.5.4.7"] = "L", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU",
        ["2.5.4.3"] = "CN", ["2.5.4.4"] = "SN", ["2.5.4.42"] = "G", ["2.5.4.5"] = "serialNumber", ["2.5.4.12"] = "T",
        ["2.5.4.9"] = "street", ["2.5.4.17"] = "postalCode", ["2.5.4.46"] = "dnQualifier", ["2.5.4.65"] = "pseudonym",
        ["0.9.2342.19200300.100.1.25"] = "DC", ["0.9.2342.19200300.100.1.1"] = "UID", ["1.2.840.113549.1.9.1"] = "E",
    };

    private DistinguishedName(IReadOnlyList<(string Oid, string Value)> attributes) => Attributes = attributes;

    /// <summary>The attributes in DER order (a multi-valued RDN contributes its values in order).</summary>
    public IReadOnlyList<(string Oid, string Value)> Attributes { get; }

    /// <summary>How many attribute values are the wildcard <c>*</c>.</summary>
    public int Wildcards => Attributes.Count(a => a.Value == "*");

    /// <summary>Reads strongSwan's text form, <c>"C=CH, O=Example, CN=*"</c>; false when it is not a DN.</summary>
    public static bool TryParse(string text, out DistinguishedName? name)
    {
        ArgumentNullException.ThrowIfNull(text);
        name = null;
        var attributes = new List<(string, string)>();
        foreach (string part in SplitUnescaped(text))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            string key = part[..eq].Trim();
            string value = Unquote(part[(eq + 1)..].Trim());
            string? oid = OidsByKey.TryGetValue(key, out string? known) ? known
                : key.Length > 0 && char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiDigit(c) || c == '.') ? key : null;
            if (oid is null || value.Length == 0)
            {
                return false;
            }

            attributes.Add((oid, value));
        }

        name = attributes.Count > 0 ? new DistinguishedName(attributes) : null;
        return name is not null;
    }

    /// <summary>Reads a DER Name (a certificate's subject or issuer, an ID_DER_ASN1_DN identity); false when malformed.</summary>
    public static bool TryFromDer(ReadOnlySpan<byte> der, out DistinguishedName? name)
    {
        name = null;
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            AsnReader sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var attributes = new List<(string, string)>();
            while (sequence.HasData)
            {
                AsnReader set = sequence.ReadSetOf();
                while (set.HasData)
                {
                    AsnReader pair = set.ReadSequence();
                    string oid = pair.ReadObjectIdentifier();
                    attributes.Add((oid, ReadValue(pair)));
                    pair.ThrowIfNotEmpty();
                }
            }

            name = new DistinguishedName(attributes);
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>The DER Name: E and DC as IA5String, values of the PrintableString alphabet as PrintableString, all
    /// else UTF8String (RFC 5280 §4.1.2.4), as OpenSSL and the BCL encode them.</summary>
    public byte[] ToDer()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach ((string oid, string value) in Attributes)
            {
                using (writer.PushSetOf())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(oid);
                        UniversalTagNumber type = oid switch
                        {
                            "1.2.840.113549.1.9.1" or "0.9.2342.19200300.100.1.25" => UniversalTagNumber.IA5String,
                            _ when value.All(IsPrintableStringChar) => UniversalTagNumber.PrintableString,
                            _ => UniversalTagNumber.UTF8String,
                        };
                        writer.WriteCharacterString(type, value);
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>Whether <paramref name="peer"/> (a name with no wildcards) fits this name: same attributes in the same
    /// order, each value equal or this one's <c>*</c>.</summary>
    public bool Matches(DistinguishedName peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Attributes.Count != Attributes.Count)
        {
            return false;
        }

        for (int i = 0; i < Attributes.Count; i++)
        {
            (string oid, string value) = Attributes[i];
            if (oid != peer.Attributes[i].Oid || (value != "*" && !string.Equals(value, peer.Attributes[i].Value, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(DistinguishedName? other) =>
        other is not null && other.Attributes.Count == Attributes.Count
        && Attributes.Zip(other.Attributes).All(p => p.First.Oid == p.Second.Oid && string.Equals(p.First.Value, p.Second.Value, StringComparison.OrdinalIgnoreCase));

    public override bool Equals(object? obj) => Equals(obj as DistinguishedName);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach ((string oid, string value) in Attributes)
        {
            hash.Add(oid);
            hash.Add(value, StringComparer.OrdinalIgnoreCase);
        }

        return hash.ToHashCode();
    }

    /// <summary>strongSwan's text form; control characters escaped so a hostile name cannot forge log lines.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach ((string oid, string value) in Attributes)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(KeysByOid.TryGetValue(oid, out string? key) ? key : oid).Append('=');
            foreach (char c in value)
            {
                builder.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c is ',' ? "\\," : c.ToString());
            }
        }

        return builder.ToString();
    }

    private static string ReadValue(AsnReader pair)
    {
        Asn1Tag tag = pair.PeekTag();
        if (tag.TagClass == TagClass.Universal)
        {
            var type = (UniversalTagNumber)tag.TagValue;
            if (type is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                or UniversalTagNumber.BMPString or UniversalTagNumber.T61String or UniversalTagNumber.VisibleString)
            {
                return pair.ReadCharacterString(type);
            }
        }

        // Another type (UniversalString, a structure): kept as RFC 4514 hex so it still compares exactly.
        return "#" + Convert.ToHexString(pair.ReadEncodedValue().Span);
    }

    private static IEnumerable<string> SplitUnescaped(string text)
    {
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
            }
            else if (c == '"')
            {
                quoted = !quoted;
                current.Append(c);
            }
            else if ((c == ',' || c == ';') && !quoted)
            {
                yield return current.ToString();
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        yield return current.ToString();
    }

    private static bool IsPrintableStringChar(char c) => char.IsAsciiLetterOrDigit(c) || " '()+,-./:=?".Contains(c, StringComparison.Ordinal);

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
