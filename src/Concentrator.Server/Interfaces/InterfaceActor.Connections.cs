using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Concentrator.Kernel;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Interfaces;

// Attaching and detaching connections: routes per pool prefix, reference-counted, and the device's end.
public sealed partial class InterfaceActor
{
    private void OnAttach(AttachConnection attach, IActorRef replyTo)
    {
        var c = attach.Connection;
        if (_tearingDown)
        {
            replyTo.Tell(new AttachFailed(c.Name, $"{NameFor(_setting)} is being removed; attach again once it has stopped", null));
            return;
        }

        if (_setting.IsEnabled && _index is null)
        {
            if (_deviceFailure is { } failure)
            {
                replyTo.Tell(new AttachFailed(c.Name, $"cannot create or adopt {_setting.InterfaceName}: {failure}", failure));
            }
            else
            {
                _waitingForDevice.Add((attach, replyTo));
            }

            return;
        }

        if (!attach.RoutePools)
        {
            _blockRouted.Add(c.Name);
        }

        if (!_connections.TryAdd(c.Name, c) || !_setting.IsEnabled)
        {
            replyTo.Tell(new ConnectionAttached(c.Name, _index));
            return;
        }

        SyncAddresses();
        var outstanding = 0;
        KernelFailed? failed = null;
        foreach (var prefix in PoolRoutes(c))
        {
            if (AddRef(prefix) > 1)
            {
                continue;
            }

            outstanding++;
            var route = RouteFor(prefix);
            Send(id => new AddRoute(id, route), reply =>
            {
                outstanding--;
                if (reply is KernelFailed { Errno: not Errnos.EEXIST } f)
                {
                    failed ??= f;
                }
                else
                {
                    // EEXIST: the route survived our previous run on an adopted device; it is ours again.
                    _routed.Add(prefix);
                }

                if (outstanding == 0)
                {
                    FinishAttach(c.Name, replyTo, failed);
                }
            });
        }

        if (outstanding == 0)
        {
            FinishAttach(c.Name, replyTo, null);
        }
    }

    private void FinishAttach(string name, IActorRef replyTo, KernelFailed? failed)
    {
        if (failed is null)
        {
            replyTo.Tell(new ConnectionAttached(name, _index));
            return;
        }

        // All or nothing: the routes this attach added go again.
        var c = _connections[name];
        _connections.Remove(name);
        SyncAddresses();
        foreach (var prefix in PoolRoutes(c))
        {
            ReleaseRoute(prefix, _ => { });
        }

        _log.RouteFailed(name, _setting.InterfaceName ?? "", failed.ToString());
        replyTo.Tell(new AttachFailed(name, $"cannot route the pools through {_setting.InterfaceName}: {failed}", failed));
    }

    private void OnDetach(DetachConnection detach, IActorRef replyTo)
    {
        if (!_connections.Remove(detach.Connection, out var c))
        {
            if (_connections.Count == 0 && !_tearingDown)
            {
                // A home whose only attach failed (a reload being undone): it goes as after its last detach, the
                // device it created included.
                _tearingDown = true;
                FinishDetach(detach.Connection, replyTo, last: true);
                return;
            }

            replyTo.Tell(new ConnectionDetached(detach.Connection));
            return;
        }

        foreach (var (child, _) in _children.Where(kv => kv.Value == c.Name).ToList())
        {
            Context.Stop(child);
        }

        var last = _connections.Count == 0;
        SyncAddresses();
        _tearingDown |= last;
        var outstanding = 1; // released after the loop, so a synchronous completion cannot finish early
        void Done(object _)
        {
            if (--outstanding == 0)
            {
                FinishDetach(c.Name, replyTo, last);
            }
        }

        // The last connection takes the cluster's block routes with it.
        foreach (var prefix in PoolRoutes(c).Concat(last ? _blocks : []))
        {
            outstanding++;
            ReleaseRoute(prefix, Done);
        }

        _blockRouted.Remove(c.Name);

        Done(this);
    }

    private void FinishDetach(string name, IActorRef replyTo, bool last)
    {
        if (!last)
        {
            replyTo.Tell(new ConnectionDetached(name));
            return;
        }

        if (_managed && _index is { } index)
        {
            Send(id => new DeleteInterface(id, index), reply =>
            {
                if (reply is KernelFailed f)
                {
                    _log.DeleteFailed(_setting.InterfaceName ?? "", f.ToString());
                }

                replyTo.Tell(new ConnectionDetached(name));
                Context.Stop(Self);
            });
            return;
        }

        replyTo.Tell(new ConnectionDetached(name));
        Context.Stop(Self);
    }

    // The whole pools of a connection, unless the node routes blocks instead (a cluster node), and its `routes`.
    private IEnumerable<IPNetwork> PoolRoutes(Concentrator.Server.Config.ConnectionSettings c) =>
        (_blockRouted.Contains(c.Name) ? c.Routes : c.Pools.Concat(c.Routes)).Distinct();

    private void OnRouteBlock(RouteBlock block)
    {
        if (!_setting.IsEnabled || _index is null || _tearingDown || !_blocks.Add(block.Block) || AddRef(block.Block) > 1)
        {
            return;
        }

        var prefix = block.Block;
        Send(id => new AddRoute(id, RouteFor(prefix)), reply =>
        {
            if (reply is KernelFailed { Errno: not Errnos.EEXIST } f)
            {
                _log.RouteFailed($"block {prefix}", _setting.InterfaceName ?? "", f.ToString());
            }
            else
            {
                _routed.Add(prefix);
            }
        });
    }

    private int AddRef(IPNetwork prefix)
    {
        _routeRefs[prefix] = _routeRefs.GetValueOrDefault(prefix) + 1;
        return _routeRefs[prefix];
    }

    // Drops one reference; the last one deletes the route (if it was ever added). onDone runs either way.
    private void ReleaseRoute(IPNetwork prefix, Action<object> onDone)
    {
        var left = _routeRefs.GetValueOrDefault(prefix) - 1;
        if (left > 0)
        {
            _routeRefs[prefix] = left;
            onDone(this);
            return;
        }

        _routeRefs.Remove(prefix);
        if (!_routed.Remove(prefix))
        {
            onDone(this);
            return;
        }

        var route = RouteFor(prefix);
        Send(id => new DeleteRoute(id, route), reply =>
        {
            if (reply is KernelFailed f)
            {
                _log.RouteDeleteFailed(prefix.ToString(), _setting.InterfaceName ?? "", f.ToString());
            }

            onDone(reply);
        });
    }

    private RouteRequest RouteFor(IPNetwork prefix) => new(prefix, _index!.Value);
}
