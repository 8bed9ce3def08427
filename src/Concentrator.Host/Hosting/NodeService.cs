using Akka.Actor;
using Concentrator.Server.Runtime;
using Microsoft.Extensions.Hosting;

namespace Concentrator.Host.Hosting;

/// <summary>
/// The concentrator as a hosted service, started after Akka.Hosting's ActorSystem and stopped before it. Its
/// <see cref="StartAsync"/> completes only once the IKE sockets are bound and every interface is up, so the host's
/// start (and with it systemd's READY=1) means "serving". Stopping deletes the SAs (a Delete to each client), detaches
/// the interfaces, terminates the ActorSystem and removes the kernel state the node owns
/// (<see cref="ConcentratorNode.StopAsync"/>). When the ActorSystem ends on its own, the host stops.
/// </summary>
internal sealed class NodeService(ActorSystem system, NodeDefinition definition, IHostApplicationLifetime lifetime) : IHostedService
{
    private volatile bool _stopping;

    /// <summary>The running node; null before the start completed.</summary>
    public ConcentratorNode? Node { get; private set; }

    /// <summary>The ActorSystem terminated before the host asked the node to stop (the process then exits non-zero,
    /// so systemd's Restart=on-failure restarts it).</summary>
    public bool EndedOnItsOwn { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Node = await ConcentratorNode.StartAsync(system, definition, cancellationToken).ConfigureAwait(false);
        _ = Node.WhenTerminated.ContinueWith(_ =>
        {
            EndedOnItsOwn = !_stopping;
            lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (Node is { } node)
        {
            await node.StopAsync().ConfigureAwait(false);
        }
    }
}
