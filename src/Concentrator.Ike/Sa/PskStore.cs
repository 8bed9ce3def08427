namespace Concentrator.Ike.Sa;

/// <summary>Finds the pre-shared key for a pair of identities; null when there is none (AUTHENTICATION_FAILED).</summary>
public delegate byte[]? PskLookup(IkeIdentity local, IkeIdentity remote);

/// <summary>
/// A simple secrets table like strongSwan's <c>secrets { ike-x { id = … secret = … } }</c>: a secret is keyed by
/// the remote identity's text form; "%any" is the fallback for identities without their own entry.
/// </summary>
public sealed class PskStore
{
    private readonly Dictionary<string, byte[]> _secrets = new(StringComparer.Ordinal);

    public PskStore Add(string remoteIdentity, byte[] secret)
    {
        _secrets[remoteIdentity] = secret;
        return this;
    }

    public PskStore Add(string remoteIdentity, string secret) =>
        Add(remoteIdentity, System.Text.Encoding.UTF8.GetBytes(secret));

    public byte[]? Lookup(IkeIdentity local, IkeIdentity remote) =>
        _secrets.TryGetValue(remote.ToString(), out byte[]? secret) ? secret
        : _secrets.TryGetValue("%any", out byte[]? any) ? any
        : null;
}
