using Akka.Actor;
using Concentrator.Server.Management;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Interfaces;

// The management API's view of the IKE SAs supervised here: each registers its summary once established
// (SaRegistered) and is forgotten when it stops; listings and terminates are answered from that table, a
// show is forwarded to the SA's own actor.
public sealed partial class InterfaceActor
{
    private readonly Dictionary<IActorRef, SaSummary> _registered = [];
    private long _setups;

    private void ReceiveManagement()
    {
        Receive<SaRegistered>(r =>
        {
            if (_children.ContainsKey(Sender))
            {
                _registered[Sender] = r.Summary;
                _setups++;
                if (_initiating.Remove(Sender))
                {
                    // An initiated SA is established from here on (its IKE_AUTH completed), not from its spawn.
                    _metrics?.Established.Add(1, _interfaceTag);
                }

                _metrics?.Setups.Add(1, new KeyValuePair<string, object?>(Metrics.MetricTags.Connection, r.Summary.Connection));
            }
        });
        Receive<ListSas>(l => Sender.Tell(new SaList(_registered.Values.Where(l.Filter.Matches).ToList())));
        Receive<TerminateSas>(OnTerminate);
        Receive<Cluster.RedirectEstablished>(r =>
        {
            foreach (var sa in _registered.Keys)
            {
                sa.Tell(new RedirectClient(r.Target));
            }

            Sender.Tell(new Cluster.ClientsRedirected(_registered.Count));
        });
        Receive<ShowSa>(OnShow);
        Receive<RekeySa>(r => Forward(r.Id, r));
        Receive<GetSetupCount>(_ => Sender.Tell(_setups, Self));
    }

    private void OnTerminate(TerminateSas terminate)
    {
        var ids = new List<string>();
        foreach (var (sa, summary) in _registered)
        {
            if (terminate.Filter.Matches(summary))
            {
                // The same Delete as at shutdown: an INFORMATIONAL Delete to the client, then the actor stops.
                sa.Tell(new DeleteIkeSa(terminate.Reason));
                ids.Add(summary.Id);
            }
        }

        Sender.Tell(new SasTerminated(ids));
    }

    private void OnShow(ShowSa show) => Forward(show.Id, show);

    private void Forward(string id, object question)
    {
        var child = Context.Child(id);
        if (child.IsNobody() || !_registered.ContainsKey(child))
        {
            Sender.Tell(new SaNotFound(id));
            return;
        }

        child.Forward(question);
    }
}
