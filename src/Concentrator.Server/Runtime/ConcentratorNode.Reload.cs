using Akka.Actor;
using Concentrator.Ike.Sa.Connections;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Logging;
using Concentrator.Server.Sa;

// One line per reload: not worth an IsEnabled check.
#pragma warning disable CA1873

namespace Concentrator.Server.Runtime;

// Reload: a new configuration, already loaded and checked in full, replaces the served connections without dropping
// the clients of the connections that stay.
public sealed partial class ConcentratorNode
{
    private static readonly TimeSpan ReloadDeleteTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _reloading = new(1, 1);

    /// <summary>
    /// Serves <paramref name="next"/> from now on. Refused (a <see cref="ConfigException"/>, nothing changed) when a
    /// main-file key other than <paramref name="mayChange"/> differs (<see cref="ReloadPlan"/>), a connection with live
    /// IKE SAs would move to another <c>ipsec-interface</c>, or a pool with leases would change its addresses. Otherwise:
    /// added connections are attached (routes; a new ipsecN is created) and offered to every handshake from now on;
    /// changed ones serve new SAs with the new settings while their live SAs keep theirs (their proposals, lifetimes and
    /// timers, rekeys included, as strongSwan keeps a CHILD SA's config); unchanged ones' SAs are untouched; removed
    /// ones' IKE SAs each send their client a Delete and end (leases released, CHILD SAs out of the kernel), then the
    /// connection is detached (its routes, and a device no connection uses any more, go).
    /// </summary>
    public async Task<ReloadReport> ReloadAsync(NodeDefinition next, string mainFile, IReadOnlyCollection<string> mayChange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _stopped) != 0)
            {
                throw new InvalidOperationException("the concentrator is stopping");
            }

            return await ReloadLockedAsync(next, mainFile, mayChange, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task<ReloadReport> ReloadLockedAsync(NodeDefinition next, string mainFile, IReadOnlyCollection<string> mayChange, CancellationToken cancellationToken)
    {
        var current = Definition;
        var plan = ReloadPlan.Create(current, next, mainFile, mayChange);
        if (ClusterMember is not null)
        {
            // A cluster node's pools lease from the blocks the cluster grants it and are routed per block by the
            // interface actors named at start: connections may change, come and go over the same pools and devices.
            ClusterReloadRule.Check(current.Connections, next.Connections);
        }

        if (next.Connections.Count == 0)
        {
            throw new ConfigException(next.Files.Count > 0 ? next.Files[0].File : mainFile, null, "expected at least one connection to serve, found none");
        }

        var before = current.Connections.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var served = Served.ToDictionary(c => c.Settings.Name, StringComparer.Ordinal);

        // An SA's kernel state carries its interface's if_id and lives under that interface's actor: a connection whose
        // SAs are up cannot move to another interface.
        var moved = plan.Changed.Where(c => c.IpsecInterface != before[c.Name].IpsecInterface).ToList();
        foreach (var connection in moved)
        {
            var count = await served[connection.Name].Interface.Ask<ConnectionSaCount>(new CountConnectionSas(connection.Name), AskTimeout, cancellationToken).ConfigureAwait(false);
            if (count.Count > 0)
            {
                throw new ConfigException(connection.File, connection.Name + ".ipsec-interface",
                    $"expected {before[connection.Name].IpsecInterface} while {count.Count} IKE SA(s) of the connection use {InterfaceActor.NameFor(before[connection.Name].IpsecInterface)}, " +
                    $"found {connection.IpsecInterface}: terminate them first (concentrator terminate --connection {connection.Name}) or restart");
            }
        }

        var stalePools = _wiring.Allocators.StaleFor(next.Connections);

        // Everything is checked; now the kernel side (devices, routes) of every connection. All or nothing: when the
        // kernel refuses one, what this reload attached or re-attached so far is undone and the node keeps serving the
        // previous configuration (the dispatcher, pools and report untouched), as an operator expects of a reload.
        var movedNames = moved.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var homes = new List<IActorRef>();
        var homesBefore = _wiring.Homes.Keys.ToHashSet(StringComparer.Ordinal);
        var applied = new List<(ConnectionSettings Connection, bool Kept)>();
        try
        {
            foreach (var connection in next.Connections)
            {
                var kept = before.ContainsKey(connection.Name) && !movedNames.Contains(connection.Name);
                applied.Add((connection, kept)); // before the attempt: a failed one may have changed part of its routes
                homes.Add(await _wiring.AttachAsync(connection, update: kept, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or AskTimeoutException or TaskCanceledException)
        {
            var failed = applied[^1].Connection;
            var undone = await UndoAttachAsync(applied, before, homesBefore).ConfigureAwait(false);
            ServerLogging.For<ConcentratorNode>(System).ReloadRolledBack(failed.Name, e.Message, undone);
            throw new InvalidOperationException(
                $"connection '{failed.Name}' could not be applied ({e.Message}); the reload was undone ({undone}) and the previous configuration keeps serving", e);
        }

        _wiring.Allocators.Forget(stalePools);
        var candidates = new List<ConnectionCandidate>();
        var nowServed = new List<ServedConnection>();
        for (var i = 0; i < next.Connections.Count; i++)
        {
            var (candidate, connectionServed) = _wiring.Wire(next.Connections[i], next, homes[i]);
            candidates.Add(candidate);
            nowServed.Add(connectionServed);
        }

        var (config, environment) = _wiring.Offer(candidates);
        await Dispatcher.Ask<ConnectionsReplaced>(new ReplaceConnections(config, environment), AskTimeout, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _served, nowServed);
        Volatile.Write(ref _definition, next);

        // Removed connections' initiators stop, and those of changed ones that no longer initiate; added ones and changed
        // ones that now initiate get one (a changed one that kept initiating keeps its initiator and its SA).
        await StopInitiatorsAsync(plan.Removed.Concat(plan.Changed.Where(c => !c.Initiator.Initiates)).Select(c => c.Name)).ConfigureAwait(false);
        StartInitiators(plan.Added.Concat(plan.Changed), candidates, environment);

        // No handshake is offered the removed connections any more: their SAs go, then their routes and devices.
        // All at once: a client that does not answer its Delete holds up only its own connection's retirement.
        var retired = await Task.WhenAll(plan.Removed.Select(c => served[c.Name]).Concat(moved.Select(c => served[c.Name]))
            .Select(gone => RetireAsync(gone, $"connection '{gone.Settings.Name}' was removed by a reload"))).ConfigureAwait(false);
        var deleted = retired.Sum();

        foreach (var (name, home) in _wiring.Homes.Where(h => !nowServed.Any(s => s.Interface.Equals(h.Value))).ToList())
        {
            // Its last connection detached, so it stops (removing a device it created); its name is free again once
            // it has, for a later reload to use.
            _wiring.Homes.Remove(name);
            await home.GracefulStop(AskTimeout).ConfigureAwait(false);
        }

        var report = new ReloadReport(
            [.. plan.Added.Select(c => c.Name)], [.. plan.Removed.Select(c => c.Name)], [.. plan.Changed.Select(c => c.Name)],
            [.. plan.Unchanged.Select(c => c.Name)], deleted);
        ServerLogging.For<ConcentratorNode>(System).Reloaded(Names(report.Added), Names(report.Removed), deleted, Names(report.Changed), Names(report.Unchanged));
        return report;
    }

    /// <summary>Undoes a reload's attaches, the last (failed) one first: a re-attached connection takes its previous
    /// settings and routes again, an added or moved one is detached from its new home, and a home this reload made stops
    /// (removing a device it created). Best effort: a step that fails is logged and the rest still run. Returns what was
    /// undone, for the log and the operator.</summary>
    private async Task<string> UndoAttachAsync(List<(ConnectionSettings Connection, bool Kept)> applied,
        Dictionary<string, ConnectionSettings> before, HashSet<string> homesBefore)
    {
        var log = ServerLogging.For<ConcentratorNode>(System);
        var undone = new List<string>();
        for (var i = applied.Count - 1; i >= 0; i--)
        {
            var (connection, kept) = applied[i];
            var home = _wiring.HomeFor(connection);
            try
            {
                if (kept)
                {
                    var reply = await home.Ask<object>(new UpdateConnection(before[connection.Name]), AskTimeout).ConfigureAwait(false);
                    if (reply is AttachFailed f)
                    {
                        log.ReloadUndoFailed(connection.Name, f.Reason);
                        continue;
                    }

                    undone.Add($"'{connection.Name}' restored");
                }
                else
                {
                    await home.Ask<ConnectionDetached>(new DetachConnection(connection.Name), AskTimeout).ConfigureAwait(false);
                    undone.Add($"'{connection.Name}' detached");
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                log.ReloadUndoFailed(connection.Name, e.Message);
            }
        }

        foreach (var (name, home) in _wiring.Homes.Where(h => !homesBefore.Contains(h.Key)).ToList())
        {
            // Emptied above, it has stopped itself (and removed its device) or is about to; wait, so its name is free.
            _wiring.Homes.Remove(name);
            try
            {
                await home.GracefulStop(AskTimeout).ConfigureAwait(false);
                undone.Add($"{name} removed");
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                log.ReloadUndoFailed(name, e.Message);
            }
        }

        return undone.Count == 0 ? "nothing to undo" : string.Join(", ", undone);
    }

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>Deletes the connection's SAs under its (old) interface actor towards their clients, then detaches it
    /// there; an interface actor left without connections stops (and removes a device it created).</summary>
    private async Task<int> RetireAsync(ServedConnection gone, string reason)
    {
        var home = gone.Interface;
        var name = gone.Settings.Name;
        var deleted = 0;
        try
        {
            deleted = (await home.Ask<ConnectionSasDeleted>(new DeleteConnectionSas(name, reason), ReloadDeleteTimeout).ConfigureAwait(false)).Deleted;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            ServerLogging.For<ConcentratorNode>(System).ReloadDeleteTimedOut(name, ReloadDeleteTimeout);
        }

        await home.Ask<ConnectionDetached>(new DetachConnection(name), AskTimeout).ConfigureAwait(false);
        return deleted;
    }
}

/// <summary>What a reload did: connections by name, and how many IKE SAs of removed connections were deleted.</summary>
public sealed record ReloadReport(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Unchanged,
    int DeletedSas);
