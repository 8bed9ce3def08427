using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using Akka.Actor;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Metrics;

namespace Concentrator.Server.Kernel;

/// <summary>
/// The single writer to <see cref="IKernelIpsec"/>, and the one record of what each owner (an IKE SA actor) has
/// installed (<see cref="OwnedState"/>): an owner names a CHILD SA to remove (<see cref="RemoveChildSa"/>) or all of
/// its state (<see cref="RemoveOwnedBy"/>, or by stopping) and this actor knows which states and policies that is.
/// Commands are grouped by what they touch (a CHILD SA's reqid,
/// a route, an interface): one group runs strictly in arrival order (an install before the remove that follows
/// it), different groups run concurrently up to <see cref="KernelSettings.BatchSize"/> so the netlink
/// implementation can pack them into one send. The kernel calls never block the actor: each command runs as a
/// task whose outcome is piped back as a message. Beyond <see cref="KernelSettings.QueueBound"/> waiting
/// commands, new ones are refused at once with ENOBUFS.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source is disposed in PostStop, the actor's end of life.")]
public sealed partial class KernelActor : ReceiveActor
{
    private readonly IKernelIpsec _kernel;
    private readonly KernelSettings _settings;
    private readonly ILogger _log = ServerLogging.For<KernelActor>(Context);
    private readonly Dictionary<object, Queue<Pending>> _byKey = [];
    private readonly Queue<object> _ready = new();
    private readonly OwnedState _owned = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcentratorMetrics? _metrics;
    private int _running;
    private int _queued;

    public KernelActor(IKernelIpsec kernel, KernelSettings settings, ConcentratorMetrics? metrics = null)
    {
        _metrics = metrics;
        _kernel = kernel;
        _settings = settings;
        Receive<RemoveOwnedBy>(r =>
        {
            RemoveAllOf(r.Owner);
            Sender.Tell(new KernelDone(r.CorrelationId));
        });
        Receive<ReadOwnedCounters>(ReadCounters);
        Receive<ReadTrafficByOwner>(ReadTraffic);
        Receive<IKernelCommand>(c => Enqueue(c, Sender));
        Receive<Finished>(OnFinished);
        Receive<Terminated>(t => RemoveAllOf(t.ActorRef));
        Receive<KernelEventArrived>(e => OnKernelEvent(e.Event));
    }

    /// <summary><paramref name="metrics"/>: where commands, their latency, CHILD SA rekeys and the installed CHILD SAs are counted.</summary>
    public static Props Props(IKernelIpsec kernel, KernelSettings settings, ConcentratorMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new KernelActor(kernel, settings, metrics));

    /// <param name="Rekey">An install whose reqid had states when it was queued: a CHILD SA rekey once it is in.</param>
    private sealed record Pending(IKernelCommand Command, IActorRef ReplyTo, bool Rekey = false);

    private sealed record KernelEventArrived(KernelEvent Event);

    protected override void PreStart()
    {
        var self = Self;
        var events = _kernel.Events;
        var stop = _stop.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in events.ReadAllAsync(stop).ConfigureAwait(false))
                {
                    self.Tell(new KernelEventArrived(e));
                }
            }
            catch (OperationCanceledException)
            {
                // The actor stopped.
            }
        });
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    // An SA expiry goes to the actor that installed the reqid (soft: time to rekey; hard: the kernel deleted it);
    // everything else, and expiries nobody owns, goes to the event stream.
    private void OnKernelEvent(KernelEvent e)
    {
        if (e is SaExpiredEvent expired && _owned.OwnerOf(expired.Reqid) is { } owner)
        {
            owner.Tell(expired);
            return;
        }

        Context.System.EventStream.Publish(e);
    }

    private sealed record Finished(object Key, Pending Pending, object Reply, long Started);

    /// <summary>A command that takes longer than this is logged: the kernel (or the process) is starving, and the IKE SA
    /// waiting for it may give up (its install timeout).</summary>
    private static readonly TimeSpan SlowCommand = TimeSpan.FromSeconds(1);

    private void Enqueue(IKernelCommand command, IActorRef replyTo)
    {
        if (_queued >= _settings.QueueBound)
        {
            replyTo.Tell(new KernelFailed(command.CorrelationId, Errnos.ENOBUFS, "kernel actor queue full", Describe(command)));
            return;
        }

        if (command is RemoveChildSa one)
        {
            if (_owned.RemovalOf(one) is not { } removal)
            {
                // Nothing of it left (rolled back, or already removed with its owner's state): done.
                if (!replyTo.IsNobody())
                {
                    replyTo.Tell(new KernelDone(one.CorrelationId));
                }

                return;
            }

            command = removal;
        }

        // A rekey's new states join a reqid that has states. The first CHILD SA of a trapped connection takes over the
        // trap's reqid and policies (XFRM_MSG_UPDPOLICY) too, but the trap had no states: that is no rekey.
        var rekey = command is InstallChild { ReplacePolicies: true, Sas.Count: > 0 } replacing && _owned.HasStates(replacing.Reqid);
        switch (command)
        {
            case InstallChild install when !replyTo.IsNobody():
                if (_owned.Add(replyTo, install) && !install.OwnerReportsStop)
                {
                    Context.Watch(replyTo);
                }

                break;
            case RemoveChild remove:
                // Forgotten as soon as queued: a later owner stop must not remove the same state twice.
                foreach (var owner in _owned.Remove(remove))
                {
                    Context.Unwatch(owner);
                }

                break;
        }

        var key = KeyOf(command);
        if (!_byKey.TryGetValue(key, out var queue))
        {
            queue = new Queue<Pending>();
            _byKey[key] = queue;
        }

        queue.Enqueue(new Pending(command, replyTo, rekey));
        _queued++;
        _metrics?.PublishChildSas(_owned.Children);
        if (queue.Count == 1)
        {
            _ready.Enqueue(key);
            StartReady();
        }
    }

    private void StartReady()
    {
        while (_running < _settings.BatchSize && _ready.TryDequeue(out var key))
        {
            var pending = _byKey[key].Peek();
            _running++;
            long started = Stopwatch.GetTimestamp();
            Run(pending.Command).PipeTo(
                Self,
                success: reply => new Finished(key, pending, reply, started),
                failure: e => new Finished(key, pending, Failure(pending.Command, e, Describe(pending.Command)), started));
        }
    }

    private void OnFinished(Finished f)
    {
        _running--;
        _queued--;
        var took = Stopwatch.GetElapsedTime(f.Started);
        if (took > SlowCommand)
        {
            _log.SlowCommand(Describe(f.Pending.Command), took.TotalSeconds);
        }

        var queue = _byKey[f.Key];
        queue.Dequeue();
        if (queue.Count == 0)
        {
            _byKey.Remove(f.Key);
        }
        else
        {
            _ready.Enqueue(f.Key);
        }

        Measure(f.Pending, f.Reply, took);
        if (f.Reply is KernelFailed failed)
        {
            if (f.Pending.Command is InstallChild install)
            {
                // Rolled back: nothing of it is left to remove when the owner stops.
                foreach (var owner in _owned.Remove(new RemoveChild(0, install.Reqid, install.Sas.Select(s => s.Request.Id).ToList(), install.ReplacePolicies ? [] : install.Policies.Select(p => p.Id).ToList())))
                {
                    Context.Unwatch(owner);
                }
            }

            _log.CommandFailed(failed.ToString(), failed.RollbackErrors.Count == 0 ? "" : "; rollback failed: " + string.Join("; ", failed.RollbackErrors));
        }

        _metrics?.PublishChildSas(_owned.Children);

        if (!f.Pending.ReplyTo.IsNobody())
        {
            f.Pending.ReplyTo.Tell(f.Reply);
        }

        StartReady();
    }

    private void RemoveAllOf(IActorRef owner)
    {
        foreach (var remove in _owned.TakeAll(owner))
        {
            Enqueue(remove, ActorRefs.Nobody);
        }

        Context.Unwatch(owner);
        _metrics?.PublishChildSas(_owned.Children);
    }

    private void Measure(Pending pending, object reply, TimeSpan took)
    {
        if (_metrics is not { } metrics)
        {
            return;
        }

        var command = pending.Command;
        var name = new KeyValuePair<string, object?>(MetricTags.Command, CommandName(command));
        var ok = reply is not KernelFailed;
        metrics.KernelCommands.Add(1, name, ok ? MetricTags.Ok : MetricTags.Failed);
        metrics.KernelCommandDuration.Record(took.TotalSeconds, name);
        if (ok && pending.Rekey)
        {
            // (A trap's policies, re-armed with no states, and the first CHILD SA taking a trap over are no rekey.)
            // RFC 7296 §1.3.3: the rekeyed CHILD SA's states are in and carry the traffic.
            metrics.ChildRekeyed();
        }
    }

    private static string CommandName(IKernelCommand command) => command switch
    {
        InstallChild => "install-child",
        RemoveChild => "remove-child",
        AddRoute => "add-route",
        DeleteRoute => "delete-route",
        AddAddress => "add-address",
        DeleteAddress => "delete-address",
        EnsureInterface => "ensure-interface",
        DeleteInterface => "delete-interface",
        _ => "other",
    };

    private static object KeyOf(IKernelCommand command) => command switch
    {
        InstallChild c => ChildKey(c.Reqid, c.Policies.Select(p => p.Id)),
        RemoveChild c => ChildKey(c.Reqid, c.Policies),
        AddRoute c => ("route", c.Route.Destination, c.Route.Table),
        DeleteRoute c => ("route", c.Route.Destination, c.Route.Table),
        AddAddress c => ("address", c.Address.Address, c.Address.InterfaceIndex),
        DeleteAddress c => ("address", c.Address.Address, c.Address.InterfaceIndex),
        EnsureInterface c => ("interface", c.Request.IfId),
        DeleteInterface c => ("interface-index", c.Index),
        _ => ("other", command.CorrelationId),
    };

    // CHILD SAs are ordered by their policy selectors, not just their reqid: when a newer IKE SA of the same identity
    // takes over the virtual IP, the older SA's removal must finish before the newer one's policies (the same
    // selectors, a different reqid) go in, or they would meet EEXIST. The outbound policy names the selector pair.
    private static object ChildKey(uint reqid, IEnumerable<PolicyId> policies)
    {
        PolicyId? key = null;
        foreach (var id in policies)
        {
            key ??= id;
            if (id.Direction == PolicyDirection.Out)
            {
                key = id;
                break;
            }
        }

        return key is null ? ("child", reqid) : ("child-selector", key.Selector, key.IfId);
    }

    private static string Describe(IKernelCommand command) => command switch
    {
        InstallChild c => $"install CHILD SA reqid {c.Reqid} (SAs {string.Join(", ", c.Sas.Select(sa => Name(sa.Request.Id)))})",
        RemoveChild c => $"remove CHILD SA reqid {c.Reqid} (SAs {string.Join(", ", c.Sas.Select(Name))})",
        AddRoute c => $"add route {c.Route.Destination} dev #{c.Route.InterfaceIndex}",
        DeleteRoute c => $"delete route {c.Route.Destination} dev #{c.Route.InterfaceIndex}",
        AddAddress c => $"add address {c.Address.Address}/{c.Address.PrefixLength} dev #{c.Address.InterfaceIndex}",
        DeleteAddress c => $"delete address {c.Address.Address}/{c.Address.PrefixLength} dev #{c.Address.InterfaceIndex}",
        EnsureInterface c => $"create or adopt {c.Request.Name} if_id {c.Request.IfId}",
        DeleteInterface c => $"delete interface #{c.Index}",
        _ => command.GetType().Name,
    };

    // A state as the kernel keys it (ip xfrm state ... dst D proto esp spi S) and where it comes from.
    private static string Name(SaId sa) =>
        $"{sa.Protocol.ToString().ToLowerInvariant()} spi 0x{sa.Spi:x8} {sa.Source}->{sa.Destination}";

    // A policy as the kernel keys it (ip xfrm policy ... src S dst D [proto P sport/dport] dir X if_id I).
    private static string Name(PolicyId policy)
    {
        var s = policy.Selector;
        var ports = s.Protocol == 0 ? "" : $" proto {s.Protocol} sport {s.SourcePort} dport {s.DestinationPort}";
        return $"{s.Source}->{s.Destination}{ports} {policy.Direction.ToString().ToLowerInvariant()} if_id {policy.IfId}";
    }

    private static KernelFailed Failure(IKernelCommand command, Exception e, string operation) =>
        e switch
        {
            KernelException k => new KernelFailed(command.CorrelationId, k.Errno, k.ExtAck, k.Operation),
            AggregateException { InnerException: { } inner } => Failure(command, inner, operation),
            _ => new KernelFailed(command.CorrelationId, 0, e.Message, operation),
        };
}
