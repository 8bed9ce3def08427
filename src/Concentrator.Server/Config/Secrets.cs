using System.Text;

namespace Concentrator.Server.Config;

/// <summary>
/// Pre-shared keys by remote identity, from a file's <c>secrets { "id" = "secret" }</c>; "%any" is the fallback
/// for identities without their own entry (strongSwan's lookup order). Secrets written "0x…" are hex and
/// "0s…" base64 (strongSwan's notation), anything else is taken as UTF-8 text.
/// </summary>
public sealed class Secrets
{
    public const string AnyIdentity = "%any";

    private readonly Dictionary<string, byte[]> _byIdentity;

    // Identities compare without case, as IkeIdentity does for FQDN and RFC 822 ones (strongSwan too): a peer
    // saying BOB@EXAMPLE.NET gets bob@example.net's own secret, not the "%any" one.
    internal static StringComparer IdentityComparer => StringComparer.OrdinalIgnoreCase;

    public Secrets(IReadOnlyDictionary<string, byte[]> byIdentity)
    {
        _byIdentity = new Dictionary<string, byte[]>(IdentityComparer);
        foreach (var (id, secret) in byIdentity)
        {
            _byIdentity[id] = secret;
        }
    }

    public static Secrets Empty { get; } = new(new Dictionary<string, byte[]>());

    public IReadOnlyCollection<string> Identities => _byIdentity.Keys;

    /// <summary>The secret for <paramref name="remoteIdentity"/>, else the "%any" one, else null.</summary>
    public byte[]? Lookup(string remoteIdentity) =>
        _byIdentity.TryGetValue(remoteIdentity, out var s) ? s
        : _byIdentity.TryGetValue(AnyIdentity, out var any) ? any
        : null;

    public Secrets Merge(Secrets other)
    {
        var merged = new Dictionary<string, byte[]>(_byIdentity, IdentityComparer);
        foreach (var (id, secret) in other._byIdentity)
        {
            merged[id] = secret;
        }

        return new Secrets(merged);
    }

    /// <summary>Decodes one secret; null with <paramref name="problem"/> set when it is malformed.</summary>
    internal static byte[]? Decode(string text, out string? problem)
    {
        problem = null;
        byte[] bytes;
        try
        {
            bytes = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.FromHexString(text.AsSpan(2))
                : text.StartsWith("0s", StringComparison.Ordinal) ? Convert.FromBase64String(text[2..])
                : Encoding.UTF8.GetBytes(text);
        }
        catch (FormatException)
        {
            problem = "expected hex digits after 0x or base64 after 0s";
            return null;
        }

        if (bytes.Length == 0)
        {
            problem = "expected a non-empty secret";
            return null;
        }

        return bytes;
    }
}
