using Akka.Actor;
using Concentrator.Ike.Sa.Connections;
using Concentrator.Server.Config;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Runtime;

// The initiator role: one ConnectionInitiatorActor (/user/initiator-NAME) per connection with start-action = start or
// trap, made at start and when a reload adds such a connection (or changes one to initiate), stopped before the
// shutdown deletes the SAs (so nothing initiates again meanwhile) and when a reload removes the connection (or changes
// it to respond only). A changed connection that still initiates keeps its initiator, as its live SAs keep their
// settings.
public sealed partial class ConcentratorNode
{
    private readonly Dictionary<string, IActorRef> _initiators = new(StringComparer.Ordinal);

    /// <summary>The initiators running now, by connection name.</summary>
    public IReadOnlyDictionary<string, IActorRef> Initiators => _initiators;

    private void StartInitiators(IEnumerable<ConnectionSettings> connections, IReadOnlyList<ConnectionCandidate> candidates,
        IkeSaEnvironment environment)
    {
        foreach (ConnectionSettings connection in connections.Where(c => c.Initiator.Initiates))
        {
            if (_initiators.ContainsKey(connection.Name))
            {
                continue;
            }

            ConnectionCandidate candidate = candidates.First(c => c.Name == connection.Name);
            var home = (ConnectionHome)candidate.Tag!;
            // The SA is for this connection from the start: its home's timers and if_id, no pool, no identity claim.
            IkeSaEnvironment env = environment.For(home) with
            {
                Services = environment.Services with { Connections = [], AddressAllocator = null, IdentityGate = null },
                Identities = null,
            };
            var config = candidate.Config with { InitiatorNatTPort = Definition.Server.NatTPort };
            var target = new InitiatorTarget(connection, config, env, Socket, home.Home, Definition.Server.Port,
                InitiatorTarget.FromListen(Definition.Server.Listen));
            _initiators[connection.Name] = System.ActorOf(ConnectionInitiatorActor.Props(target), ConnectionInitiatorActor.NameFor(connection.Name));
        }
    }

    private async Task StopInitiatorsAsync(IEnumerable<string> names)
    {
        foreach (string name in names.ToList())
        {
            if (_initiators.Remove(name, out var initiator))
            {
                try
                {
                    await initiator.GracefulStop(AskTimeout).ConfigureAwait(false);
                }
                catch (TaskCanceledException)
                {
                    // Stopped or not, it is no longer ours to wait for.
                }
            }
        }
    }
}
