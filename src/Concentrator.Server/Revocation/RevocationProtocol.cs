using Concentrator.Ike.Auth.Certificates;

namespace Concentrator.Server.Revocation;

/// <summary>Told by an IKE SA actor whose IKE_AUTH waits for revocation information: fetch these into the node's
/// <see cref="RevocationCache"/>, then answer <see cref="RevocationFetched"/> (once, after every fetch ended, whether
/// it gave an answer or failed).</summary>
public sealed record FetchRevocation(RevocationFetchRequest Request, ulong ResponderSpi);

/// <summary>The fetches of a <see cref="FetchRevocation"/> ended; their outcomes are in the cache.</summary>
public sealed record RevocationFetched(ulong ResponderSpi);

/// <summary>A node-wide count of the fetcher's HTTP requests (management, tests).</summary>
public sealed record GetRevocationStats
{
    public static GetRevocationStats Instance { get; } = new();
}

/// <summary>The answer to <see cref="GetRevocationStats"/>.</summary>
public sealed record RevocationStats(long Fetches, long Failures, long Joined, int Cached);
