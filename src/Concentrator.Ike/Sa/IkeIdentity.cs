using System.Net;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>An IKE identity (RFC 7296 §3.5) as configured and as received: ID type and Identification Data.
/// Text form as strongSwan writes it: an IP address, "user@example.org" (RFC822), anything else an FQDN, and
/// "%any" for "whatever the peer says" in lookups.</summary>
public sealed class IkeIdentity : IEquatable<IkeIdentity>
{
    /// <summary>Matches every identity in lookups; never sent.</summary>
    public static IkeIdentity Any { get; } = new(IdType.Null, ReadOnlyMemory<byte>.Empty, isAny: true);

    private readonly bool _isAny;

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

        if (IPAddress.TryParse(text, out IPAddress? address))
        {
            IdPayload p = IdPayload.Address(true, address);
            return new IkeIdentity(p.IdType, p.Data);
        }

        byte[] ascii = System.Text.Encoding.ASCII.GetBytes(text);
        return new IkeIdentity(text.Contains('@', StringComparison.Ordinal) ? IdType.Rfc822Address : IdType.Fqdn, ascii);
    }

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

    public bool Equals(IkeIdentity? other) =>
        other is not null && other._isAny == _isAny && other.Type == Type && other.Data.Span.SequenceEqual(Data.Span);

    public override bool Equals(object? obj) => Equals(obj as IkeIdentity);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(Data.Span);
        return hash.ToHashCode();
    }

    public override string ToString() => _isAny ? "%any" : ToPayload(true).ToString();
}
