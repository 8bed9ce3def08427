using System.Text.Json.Serialization;
using Concentrator.Server.Management;

namespace Concentrator.Host.Management;

/// <summary>The management API's JSON, source-generated (no reflection): the endpoint writes and the CLI reads the
/// Server's answer records as they are, in camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(SaSummary))]
[JsonSerializable(typeof(List<SaSummary>))]
[JsonSerializable(typeof(SaDetail))]
[JsonSerializable(typeof(SasTerminated))]
[JsonSerializable(typeof(PoolList))]
[JsonSerializable(typeof(ConnectionList))]
[JsonSerializable(typeof(InterfaceList))]
[JsonSerializable(typeof(Statistics))]
[JsonSerializable(typeof(ManagementError))]
[JsonSerializable(typeof(SaRekeyed))]
[JsonSerializable(typeof(Concentrator.Server.Runtime.ReloadReport))]
[JsonSerializable(typeof(LogLevelList))]
[JsonSerializable(typeof(LogLevelChanged))]
[JsonSerializable(typeof(Concentrator.Server.Cluster.ClusterView))]
[JsonSerializable(typeof(Concentrator.Server.Cluster.DrainStarted))]
[JsonSerializable(typeof(ClusterSaList))]
[JsonSerializable(typeof(List<NodeReply>))]
[JsonSerializable(typeof(ClusterSasTerminated))]
internal sealed partial class ManagementJson : JsonSerializerContext;

/// <summary>The body of every answer that is not a 2xx: what went wrong, in a sentence for the operator.</summary>
internal sealed record ManagementError(string Error);

/// <summary>The log levels set now, by category (<c>Default</c> for the rest).</summary>
internal sealed record LogLevelList(IReadOnlyDictionary<string, string> Levels);

/// <summary>A category's level changed from <paramref name="Previous"/> to <paramref name="Level"/>.</summary>
internal sealed record LogLevelChanged(string Category, string Level, string Previous);
