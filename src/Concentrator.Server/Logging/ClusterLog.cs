using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 13000-13099: the cluster (membership as this node sees it, admission, pool blocks); 13100-13199: the
// identity directory and load-aware redirect; 13200-13299: directory sweeps, redirects of clients with keys, the
// management API across members.
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 13000, Level = LogLevel.Information, Message = "cluster: this node {Self} is {Status}")]
    public static partial void SelfStatus(this ILogger logger, string self, string status);

    [LoggerMessage(EventId = 13001, Level = LogLevel.Information, Message = "cluster: member {Member} {Change}")]
    public static partial void MemberChanged(this ILogger logger, string member, string change);

    [LoggerMessage(EventId = 13002, Level = LogLevel.Information, Message = "pool {Pool}: block {Block} granted to this node ({Count} {Family} block(s) now)")]
    public static partial void BlockGranted(this ILogger logger, string pool, string block, int count, string family);

    [LoggerMessage(EventId = 13003, Level = LogLevel.Warning, Message = "pool {Pool}: asked for a {Family} block, the cluster has none left ({Count} owned by this node)")]
    public static partial void NoBlockLeft(this ILogger logger, string pool, string family, int count);

    [LoggerMessage(EventId = 13004, Level = LogLevel.Information, Message = "pool block allocator: {Blocks} block(s) of {Owners} node(s) read back; {Freed} of departed nodes freed")]
    public static partial void AllocatorStarted(this ILogger logger, int blocks, int owners, int freed);

    [LoggerMessage(EventId = 13005, Level = LogLevel.Information, Message = "pool block allocator: member {Owner} removed, its {Count} block(s) are free again")]
    public static partial void BlocksFreed(this ILogger logger, string owner, int count);

    [LoggerMessage(EventId = 13006, Level = LogLevel.Warning, Message = "pool block allocator: {Operation} did not reach a majority ({Detail}); retrying")]
    public static partial void MajorityFailed(this ILogger logger, string operation, string detail);

    [LoggerMessage(EventId = 13007, Level = LogLevel.Information, Message = "admission of new IKE SAs {State}: {Reason}")]
    public static partial void AdmissionChanged(this ILogger logger, string state, string reason);

    // The identity renders through IkeIdentity.ToString, which escapes it.
    [LoggerMessage(EventId = 13100, Level = LogLevel.Information, Message = "{Identity}: a newer IKE SA on {Node} replaces {Older}{InitialContact}")]
    public static partial void ReplacedElsewhere(this ILogger logger, Concentrator.Ike.Sa.IkeIdentity identity, string older, string node, string initialContact);

    [LoggerMessage(EventId = 13101, Level = LogLevel.Warning, Message = "identity directory: {Operation} failed ({Detail})")]
    public static partial void DirectoryFailed(this ILogger logger, string operation, string detail);

    [LoggerMessage(EventId = 13102, Level = LogLevel.Information, Message = "redirect (RFC 5685) of new clients that support it: to {Target}: {Reason}")]
    public static partial void RedirectChanged(this ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 13103, Level = LogLevel.Warning, Message = "drain: this node stops taking new clients that follow redirects; they go to {Target}")]
    public static partial void Draining(this ILogger logger, string target);

    [LoggerMessage(EventId = 13200, Level = LogLevel.Information, Message = "identity directory: member {Owner} removed, its {Count} identity entry(ies) swept")]
    public static partial void DirectorySwept(this ILogger logger, string owner, int count);

    [LoggerMessage(EventId = 13201, Level = LogLevel.Information, Message = "{Sa}: client {Identity} redirected to {Gateway} {How}")]
    public static partial void ClientRedirected(this ILogger logger, string sa, string identity, string gateway, string how);

    [LoggerMessage(EventId = 13202, Level = LogLevel.Information, Message = "drain --established: {Told} established IKE SA(s) told to redirect their clients to {Target} (those that announced REDIRECT_SUPPORTED do, RFC 5685 §5)")]
    public static partial void DrainEstablished(this ILogger logger, int told, string target);
}
