namespace Concentrator.Ike.Sa;

/// <summary>Finds the pre-shared key for a pair of identities; null when there is none (AUTHENTICATION_FAILED).</summary>
public delegate byte[]? PskLookup(IkeIdentity local, IkeIdentity remote);

/// <summary>
/// A simple secrets table like strongSwan's <c>secrets { ike-x { id = … secret = … } }</c>: a secret is keyed by
/// the remote identity's text form; "%any" is the fallback for identities without their own entry.
/// </summary>
public sealed class PskStore
{
    // Case-insensitive like IkeIdentity's equality for FQDN and RFC 822 identities (strongSwan compares those
    // without case); for addresses and hex the case carries no meaning either.
    private readonly Dictionary<string, byte[]> _secrets = new(StringComparer.OrdinalIgnoreCase);

    public PskStore Add(string remoteIdentity, byte[] secret)
    {
        _secrets[remoteIdentity] = secret;
        return this;
    }

    public PskStore Add(string remoteIdentity, string secret) =>
        Add(remoteIdentity, System.Text.Encoding.UTF8.GetBytes(secret));

    /// <summary>The secret for <paramref name="remote"/>, else the %any one; none for a malformed identity (a
    /// look-alike of a configured one with a NUL or space must not fall back to %any).</summary>
    public byte[]? Lookup(IkeIdentity local, IkeIdentity remote) =>
        !remote.IsWellFormed ? null
        : _secrets.TryGetValue(remote.ToString(), out byte[]? secret) ? secret
        : _secrets.TryGetValue("%any", out byte[]? any) ? any
        : null;
}
