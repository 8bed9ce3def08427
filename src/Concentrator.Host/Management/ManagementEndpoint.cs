using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Host.Configuration;
using Concentrator.Host.Hosting;
using Concentrator.Host.Logging;
using Concentrator.Server.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Management;

/// <summary>
/// The management API as a hosted service, started after the node (<see cref="NodeService"/>) and stopped before
/// it: a small Kestrel application listening on a Unix domain socket only (HTTP/1.1 + JSON, <see cref="ManagementRoutes"/>),
/// over the node's <see cref="ManagementActor"/>. The socket is made 0600 (root only) or 0660 with the configured
/// group, and every request's peer is checked with SO_PEERCRED (root or a member of the group; else 403), so a
/// too-open mode set by hand still lets nobody else in. A socket that cannot be opened is logged and the node keeps
/// serving without the API (as charon does without its vici socket).
/// </summary>
internal sealed class ManagementEndpoint(NodeService node, HostSettings settings, ILoggerFactory loggerFactory, ConfigReload reload, LogLevels levels)
    : IHostedService, IAsyncDisposable
{
    /// <summary>Where a request's peer credentials are kept for the handlers (HttpContext.Items).</summary>
    public const string PeerKey = "concentrator.peer";

    private readonly ILogger _log = loggerFactory.CreateLogger("Concentrator.Host.Management");
    private WebApplication? _app;
    private string? _socket;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var management = settings.Management;
        if (!management.IsEnabled || node.Node is not { } running)
        {
            return;
        }

        var socket = management.Socket;
        int? groupId = management.Group.Length > 0 ? UnixGroups.IdOf(management.Group) : null;
        try
        {
            await PrepareAsync(socket, cancellationToken).ConfigureAwait(false);
            var actor = running.System.ActorOf(ManagementActor.Props(running), "management");
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "concentrator" });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.ListenUnixSocket(socket));
            builder.Services.AddRoutingCore();
            builder.Services.AddSingleton(loggerFactory);
            var app = builder.Build();
            app.Use(async (context, next) =>
            {
                if (!await AdmitAsync(context, groupId, management.Group).ConfigureAwait(false))
                {
                    return;
                }

                try
                {
                    await next(context).ConfigureAwait(false);
                }
                catch (AskTimeoutException) when (!context.Response.HasStarted)
                {
                    await ManagementRoutes.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "the concentrator did not answer in time").ConfigureAwait(false);
                }
            });
            ManagementRoutes.Map(app, actor, _log, reload, levels, running.ClusterManagement);
            ManagementRoutes.MapCluster(app, running.ClusterManagement, _log);
            ManagementRoutes.MapDrain(app, running.ClusterMember);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            _app = app;
            _socket = socket;
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("the management socket needs Unix file modes");
            }

            File.SetUnixFileMode(socket, groupId is null
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            if (groupId is { } gid)
            {
                UnixGroups.GiveToGroup(socket, gid);
            }

            _log.ManagementListening(socket, groupId is null ? "mode 0600, root only" : $"mode 0660, root and group {management.Group}");
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or InvalidOperationException or PlatformNotSupportedException)
        {
            _log.ManagementUnavailable(socket, e.Message);
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        if (_socket is { } socket)
        {
            _socket = null;
            File.Delete(socket);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Creates the socket's folder and removes a socket nobody listens on (left by a crash); refuses to take
    /// over one a running concentrator still listens on.</summary>
    private static async Task PrepareAsync(string socket, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        if (!File.Exists(socket))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(socket);
            return;
        }

        throw new IOException("another process is listening on it (is a concentrator already running?)");
    }

    private async Task<bool> AdmitAsync(HttpContext context, int? groupId, string group)
    {
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            await ManagementRoutes.ErrorAsync(context, StatusCodes.Status403Forbidden, "cannot identify the peer of this connection").ConfigureAwait(false);
            return false;
        }

        var peer = PeerCredentials.Of(socket);
        context.Items[PeerKey] = peer;
        // Its groups from /proc, and from /etc/group too, for when the unit's ProtectProc=invisible hides its /proc entry.
        if (peer.IsAllowed(groupId, pid => [.. UnixGroups.SupplementaryOf(pid), .. UnixGroups.ListedGroupsOf(peer.Uid)]))
        {
            return true;
        }

        _log.ManagementRefused(peer.ToString(), group.Length > 0 ? group : "(none: root only)");
        await ManagementRoutes.ErrorAsync(context, StatusCodes.Status403Forbidden,
            $"uid {peer.Uid} may not use the management API (root only{(group.Length > 0 ? $" or group {group}" : "")})").ConfigureAwait(false);
        return false;
    }
}
