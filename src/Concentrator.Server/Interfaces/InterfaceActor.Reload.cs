using Akka.Actor;
using Concentrator.Server.Logging;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Interfaces;

// A reload: a connection kept on this interface takes its new settings (its pools' routes follow, its SAs stay); a
// removed one first has its SAs deleted towards their clients, then is detached.
public sealed partial class InterfaceActor
{
    private readonly List<(HashSet<IActorRef> Left, int Deleted, IActorRef ReplyTo)> _connectionDeletes = [];

    private void ReceiveReload()
    {
        Receive<UpdateConnection>(u => OnUpdate(u.Connection, Sender));
        Receive<CountConnectionSas>(c => Sender.Tell(new ConnectionSaCount(c.Connection, _children.Count(kv => kv.Value == c.Connection))));
        Receive<DeleteConnectionSas>(OnDeleteConnectionSas);
    }

    private void OnUpdate(ConnectionSettings next, IActorRef replyTo)
    {
        if (!_connections.TryGetValue(next.Name, out var previous))
        {
            OnAttach(new AttachConnection(next), replyTo);
            return;
        }

        _connections[next.Name] = next;
        if (!_setting.IsEnabled)
        {
            replyTo.Tell(new ConnectionAttached(next.Name, _index));
            return;
        }

        SyncAddresses();

        // New prefixes are referenced before the old ones are released, so a prefix in both keeps its route.
        var outstanding = 1;
        KernelFailed? failed = null;
        void Done(object reply)
        {
            if (reply is KernelFailed { Errno: not Errnos.EEXIST } f)
            {
                failed ??= f;
            }

            if (--outstanding == 0)
            {
                if (failed is not null)
                {
                    _log.RouteFailed(next.Name, _setting.InterfaceName ?? "", failed.ToString());
                    replyTo.Tell(new AttachFailed(next.Name, $"cannot route the pools through {_setting.InterfaceName}: {failed}", failed));
                }
                else
                {
                    replyTo.Tell(new ConnectionAttached(next.Name, _index));
                }
            }
        }

        // PoolRoutes: on a cluster node the pools are routed per granted block, not whole (AttachConnection.RoutePools).
        foreach (var prefix in PoolRoutes(next))
        {
            if (AddRef(prefix) > 1)
            {
                continue;
            }

            outstanding++;
            var route = RouteFor(prefix);
            Send(id => new AddRoute(id, route), reply =>
            {
                if (reply is not KernelFailed { Errno: not Errnos.EEXIST })
                {
                    _routed.Add(prefix);
                }

                Done(reply);
            });
        }

        foreach (var prefix in PoolRoutes(previous))
        {
            outstanding++;
            ReleaseRoute(prefix, _ => Done(this));
        }

        Done(this);
    }

    private void OnDeleteConnectionSas(DeleteConnectionSas delete)
    {
        var sas = _children.Where(kv => kv.Value == delete.Connection).Select(kv => kv.Key).ToHashSet();
        foreach (var sa in sas)
        {
            // The shutdown's Delete: an INFORMATIONAL Delete to the client; the actor stops on its answer (or when its
            // retransmissions run out), and its PostStop releases the lease and removes its CHILD SAs.
            sa.Tell(new DeleteIkeSa(delete.Reason));
        }

        _connectionDeletes.Add((sas, sas.Count, Sender));
        AnswerConnectionDeletes(null);
    }

    private void AnswerConnectionDeletes(IActorRef? ended)
    {
        for (var i = _connectionDeletes.Count - 1; i >= 0; i--)
        {
            var (left, deleted, replyTo) = _connectionDeletes[i];
            if (ended is not null)
            {
                left.Remove(ended);
            }

            if (left.Count == 0)
            {
                replyTo.Tell(new ConnectionSasDeleted(deleted));
                _connectionDeletes.RemoveAt(i);
            }
        }
    }
}
