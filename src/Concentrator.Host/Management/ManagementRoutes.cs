using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Akka.Actor;
using Concentrator.Host.Hosting;
using Concentrator.Host.Logging;
using Concentrator.Server.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Management;

/// <summary>
/// The management API's routes (minimal APIs over the <see cref="ManagementActor"/>):
/// <list type="bullet">
/// <item><c>GET /sas?identity=&amp;connection=&amp;interface=&amp;vip=&amp;remote=</c>: the IKE SAs, a JSON array streamed element by element</item>
/// <item><c>GET /sas/{id}</c>: one IKE SA in full (404 when there is none)</item>
/// <item><c>POST /sas/terminate?id=|identity=|vip=|connection=</c>: deletes the matching SAs (each sends a Delete to its client)</item>
/// <item><c>GET /connections</c>: the connections served, in order, with their IKE SA counts</item>
/// <item><c>GET /pools</c>, <c>GET /interfaces</c>, <c>GET /stats</c>, <c>GET /cluster</c> (members; each member's SAs, share and pool blocks)</item>
/// <item><c>POST /cluster/drain</c>: new clients that follow redirects go to other nodes (RFC 5685)</item>
/// <item><c>GET /cluster/sas?…</c>, <c>POST /cluster/sas/terminate?…</c>: the same over every Up member of the cluster,
/// each SA naming its node and each member's answer (or why there is none) listed; the SAs streamed, each member's as
/// its answer arrives; <c>GET /sas/{id}</c> and
/// <c>POST /sas/terminate?id=</c> of an SA another member holds are answered by that member</item>
/// <item><c>POST /sas/{id}/rekey</c>: the gateway rekeys the SA's CHILD SAs now (<c>?ike=true</c>: the IKE SA)</item>
/// <item><c>POST /reload</c>: reads and applies the configuration again (422 with the error when it is refused)</item>
/// <item><c>GET /log-level</c>, <c>POST /log-level?category=&amp;level=</c>: the levels set, and changing one</item>
/// </list>
/// </summary>
internal static class ManagementRoutes
{
    public static void Map(IEndpointRouteBuilder app, IActorRef management, ILogger log, ConfigReload reload, LogLevels levels, IActorRef? cluster = null)
    {
        app.MapPost("/sas/{id}/rekey", (RequestDelegate)(context => RekeyAsync(context, management, log)));
        app.MapPost("/reload", (RequestDelegate)(context => ReloadAsync(context, reload)));
        app.MapGet("/log-level", (RequestDelegate)(context => WriteAsync(context, StatusCodes.Status200OK, new LogLevelList(levels.Current()), ManagementJson.Default.LogLevelList)));
        app.MapPost("/log-level", (RequestDelegate)(context => SetLogLevelAsync(context, levels, log)));
        app.MapGet("/sas", (RequestDelegate)(context => ListAsync(context, management)));
        app.MapGet("/sas/{id}", (RequestDelegate)(context => ShowAsync(context, management, cluster)));
        app.MapPost("/sas/terminate", (RequestDelegate)(context => TerminateAsync(context, management, log, cluster)));
        app.MapGet("/pools", (RequestDelegate)(context => AnswerAsync(context, management, ListPools.Instance, ManagementJson.Default.PoolList)));
        app.MapGet("/connections", (RequestDelegate)(context => AnswerAsync(context, management, ListConnections.Instance, ManagementJson.Default.ConnectionList)));
        app.MapGet("/interfaces", (RequestDelegate)(context => AnswerAsync(context, management, ListInterfaces.Instance, ManagementJson.Default.InterfaceList)));
        app.MapGet("/stats", (RequestDelegate)(context => AnswerAsync(context, management, GetStatistics.Instance, ManagementJson.Default.Statistics)));
    }

    /// <summary><c>GET /cluster</c>: asked of <c>/user/cluster-management</c>, which adds every member's state to this
    /// node's view; a single node answers that it is not clustered. <c>GET /cluster/sas</c> and
    /// <c>POST /cluster/sas/terminate</c>: across the members (409 on a single node).</summary>
    public static void MapCluster(IEndpointRouteBuilder app, IActorRef? cluster, ILogger log)
    {
        app.MapGet("/cluster", (RequestDelegate)(context => cluster is null
            ? WriteAsync(context, StatusCodes.Status200OK, Concentrator.Server.Cluster.ClusterView.Off, ManagementJson.Default.ClusterView)
            : AnswerAsync(context, cluster, GetClusterOverview.Instance, ManagementJson.Default.ClusterView)));
        app.MapGet("/cluster/sas", (RequestDelegate)(context => ClusterListAsync(context, cluster)));
        app.MapPost("/cluster/sas/terminate", (RequestDelegate)(context => ClusterTerminateAsync(context, cluster, log)));
    }

    private const string NotClustered = "not clustered (concentrator.cluster.enabled = off): list-sas and terminate without --cluster see this node";

    private static async Task ClusterListAsync(HttpContext context, IActorRef? cluster)
    {
        if (cluster is null)
        {
            await ErrorAsync(context, StatusCodes.Status409Conflict, NotClustered).ConfigureAwait(false);
            return;
        }

        if (Filter(context, out var error) is not { } filter)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
            return;
        }

        // Each member's SAs are written as its answer arrives (the actor hands them on through the channel); a lost actor
        // (nothing at all within the management ask timeout) is answered with 504 before the listing starts.
        var parts = Channel.CreateUnbounded<ClusterSaPart>(new UnboundedChannelOptions { SingleReader = true });
        cluster.Tell(new StreamClusterSas(filter, parts.Writer));
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        bounded.CancelAfter(ManagementActor.AskTimeout);
        try
        {
            if (!await parts.Reader.WaitToReadAsync(bounded.Token).ConfigureAwait(false))
            {
                await ErrorAsync(context, StatusCodes.Status500InternalServerError, "the cluster listing ended before any member answered").ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await ErrorAsync(context, StatusCodes.Status504GatewayTimeout, "no member answered within the management timeout").ConfigureAwait(false);
            return;
        }

        // The rest comes within the peer timeout (every member was asked at once, each ask bounded by it).
        context.Response.ContentType = "application/json";
        await SaListWriter.WriteClusterAsync(context.Response.BodyWriter, parts.Reader.ReadAllAsync(context.RequestAborted), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ClusterTerminateAsync(HttpContext context, IActorRef? cluster, ILogger log)
    {
        if (cluster is null)
        {
            await ErrorAsync(context, StatusCodes.Status409Conflict, NotClustered).ConfigureAwait(false);
            return;
        }

        if (TerminateFilter(context, out var error) is not { } filter)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
            return;
        }

        var terminated = await cluster.Ask<ClusterSasTerminated>(new TerminateClusterSas(filter), ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        if (log.IsEnabled(LogLevel.Information))
        {
            log.ManagementTerminated(terminated.Count, Peer(context), "cluster-wide " + (context.Request.QueryString.Value ?? ""));
        }

        await WriteAsync(context, StatusCodes.Status200OK, terminated, ManagementJson.Default.ClusterSasTerminated).ConfigureAwait(false);
    }

    /// <summary><c>POST /cluster/drain</c>: this node redirects every new client that supports it (RFC 5685) to the
    /// least-loaded other node and tells the others it drains; 409 on a single node.</summary>
    public static void MapDrain(IEndpointRouteBuilder app, IActorRef? clusterNode) =>
        app.MapPost("/cluster/drain", (RequestDelegate)(context => clusterNode is null
            ? ErrorAsync(context, StatusCodes.Status409Conflict, "not clustered (concentrator.cluster.enabled = off): there is no other node to send clients to")
            : AnswerAsync(context, clusterNode, new Concentrator.Server.Cluster.DrainNode
            {
                // ?established=true: established SAs whose clients support it are redirected too (RFC 5685 §5).
                Established = string.Equals(context.Request.Query["established"], "true", StringComparison.OrdinalIgnoreCase),
            }, ManagementJson.Default.DrainStarted)));

    private static async Task ListAsync(HttpContext context, IActorRef management)
    {
        if (Filter(context, out var error) is not { } filter)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
            return;
        }

        var list = await management.Ask<SaList>(new ListSas(filter), ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "application/json";
        await SaListWriter.WriteAsync(context.Response.BodyWriter, list.Sas, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ShowAsync(HttpContext context, IActorRef management, IActorRef? cluster)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        var answer = await management.Ask<object>(new ShowSa(id), ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        if (answer is not SaDetail && cluster is not null)
        {
            // Not here: the member that holds it answers.
            answer = await cluster.Ask<object>(new ShowClusterSa(id), ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        }

        switch (answer)
        {
            case SaDetail detail:
                await WriteAsync(context, StatusCodes.Status200OK, detail, ManagementJson.Default.SaDetail).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync(context, StatusCodes.Status404NotFound, $"no IKE SA '{id}' (list-sas shows the ids)").ConfigureAwait(false);
                break;
        }
    }

    private static async Task TerminateAsync(HttpContext context, IActorRef management, ILogger log, IActorRef? cluster)
    {
        if (TerminateFilter(context, out var error) is not { } filter)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
            return;
        }

        var terminated = await management.Ask<SasTerminated>(new TerminateSas(filter), ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        if (terminated.Ids.Count == 0 && filter.Id is not null && cluster is not null)
        {
            // An id names one SA: when it is not here, the member that holds it deletes it (a Delete to its client).
            var elsewhere = await cluster.Ask<ClusterSasTerminated>(new TerminateClusterSas(filter), ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
            if (elsewhere.Nodes.FirstOrDefault(n => n.Ids.Count > 0) is { } holder)
            {
                terminated = new SasTerminated(holder.Ids) { Node = holder.Node };
            }
        }

        if (log.IsEnabled(LogLevel.Information))
        {
            log.ManagementTerminated(terminated.Ids.Count, context.Items[ManagementEndpoint.PeerKey]?.ToString() ?? "?", context.Request.QueryString.Value ?? "");
        }

        await WriteAsync(context, StatusCodes.Status200OK, terminated, ManagementJson.Default.SasTerminated).ConfigureAwait(false);
    }

    private static async Task RekeyAsync(HttpContext context, IActorRef management, ILogger log)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        bool ike = string.Equals(context.Request.Query["ike"], "true", StringComparison.OrdinalIgnoreCase);
        var answer = await management.Ask<object>(new RekeySa(id) { Ike = ike }, ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        if (answer is not SaRekeyed rekeyed)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no IKE SA '{id}' (list-sas shows the ids)").ConfigureAwait(false);
            return;
        }

        if (log.IsEnabled(LogLevel.Information))
        {
            log.RekeyRequested(id, Peer(context), rekeyed.IkeSa ? rekeyed.Note : $"{rekeyed.ChildSas} CHILD SA rekey(s) started; {rekeyed.Note}");
        }

        await WriteAsync(context, StatusCodes.Status200OK, rekeyed, ManagementJson.Default.SaRekeyed).ConfigureAwait(false);
    }

    private static async Task ReloadAsync(HttpContext context, ConfigReload reload)
    {
        var outcome = await reload.ReloadAsync($"management request of {Peer(context)}", context.RequestAborted).ConfigureAwait(false);
        if (outcome.Report is { } report)
        {
            await WriteAsync(context, StatusCodes.Status200OK, report, ManagementJson.Default.ReloadReport).ConfigureAwait(false);
            return;
        }

        await ErrorAsync(context, StatusCodes.Status422UnprocessableEntity, outcome.Error!).ConfigureAwait(false);
    }

    private static async Task SetLogLevelAsync(HttpContext context, LogLevels levels, ILogger log)
    {
        var category = context.Request.Query.TryGetValue("category", out var c) && c.Count > 0 && !string.IsNullOrWhiteSpace(c[0]) ? c[0]!.Trim() : LogLevels.DefaultCategory;
        var text = context.Request.Query.TryGetValue("level", out var l) && l.Count > 0 ? l[0] ?? "" : "";
        if (text.Length == 0 || LogLevels.Parse(text) is not { } level)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest,
                $"expected level = one of {string.Join(", ", Enum.GetNames<LogLevel>())}, got '{text}'").ConfigureAwait(false);
            return;
        }

        var previous = levels.Set(category, level);
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogLevelSet(category, level.ToString(), previous, Peer(context));
        }

        await WriteAsync(context, StatusCodes.Status200OK, new LogLevelChanged(category, level.ToString(), previous), ManagementJson.Default.LogLevelChanged).ConfigureAwait(false);
    }

    private static string Peer(HttpContext context) => context.Items[ManagementEndpoint.PeerKey]?.ToString() ?? "?";

    private static async Task AnswerAsync<T>(HttpContext context, IActorRef management, object question, JsonTypeInfo<T> type)
    {
        var answer = await management.Ask<T>(question, ManagementActor.AskTimeout, context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, StatusCodes.Status200OK, answer, type).ConfigureAwait(false);
    }

    // Terminating everything takes a stop of the service, not a forgotten option.
    private static SaFilter? TerminateFilter(HttpContext context, out string? error)
    {
        var filter = Filter(context, out error);
        if (filter is not null && filter.Id is null && filter.Identity is null && filter.VirtualIp is null && filter.Connection is null)
        {
            error = "expected one of id, identity, vip or connection";
            return null;
        }

        return filter;
    }

    private static SaFilter? Filter(HttpContext context, out string? error) =>
        SaFilterQuery.Parse(key => context.Request.Query.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null, out error);

    public static Task ErrorAsync(HttpContext context, int status, string error) =>
        WriteAsync(context, status, new ManagementError(error), ManagementJson.Default.ManagementError);

    private static async Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted).ConfigureAwait(false);
    }
}
