using Concentrator.Server.Runtime;
using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

/// <summary>What an IKE SA carries from the actor of its handshake (under the dispatcher) to the actor of its
/// established life (under the interface actor of its connection): the pure session itself (the SA, its counters
/// and the CHILD SAs IKE_AUTH left to install), its SPIs and the answer held until they are.</summary>
public sealed class IkeSaHandover
{
    internal IkeSaHandover(IkeSaSession session, IkeSpis? spis, IReadOnlyList<byte[]> outbound, IActorRef socket)
    {
        Session = session;
        Spis = spis;
        Outbound = outbound;
        Socket = socket;
    }

    internal IkeSaSession Session { get; }

    internal IkeSpis? Spis { get; }

    internal IReadOnlyList<byte[]> Outbound { get; }

    internal IActorRef Socket { get; }
}

// The move from half-open to established (DESIGN.md: an IKE SA's interface is known only once IKE_AUTH has chosen
// the connection). The half-open actor, a child of the dispatcher, hands the SA to the connection's home (its
// InterfaceActor, or the policy-based one for ipsec-interface = no), which spawns the established actor as its
// child; that actor takes the SPIs over in the SPI table and finishes the step (identity, kernel, answer). What
// reaches the half-open actor meanwhile is forwarded; it then stops without ending the SA.
public sealed partial class IkeSaActor
{
    private const string HandoverKey = "handover";
    private readonly List<(object Message, IActorRef Sender)> _forward = [];
    private IkeSaHandover? _arrived;
    private bool _handingOver;
    private bool _handedOver;

    private sealed record HandoverTimeout
    {
        public static HandoverTimeout Instance { get; } = new();
    }

    /// <summary>The actor of an IKE SA that completed IKE_AUTH under another actor; its supervisor spawns it.</summary>
    public IkeSaActor(IkeSaHandover handover, IkeSaEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(handover);
        ArgumentNullException.ThrowIfNull(environment);
        _env = environment;
        _settings = environment.Settings;
        _kernel = environment.Kernel;
        _session = handover.Session;
        _spis = handover.Spis;
        _socket = handover.Socket;
        _arrived = handover;
        Timers = new ActorTimers(Self, Context.System.Scheduler);
    }

    /// <summary>The established actor of <paramref name="handover"/>'s SA, named after its SPI.</summary>
    public static Props Adopting(IkeSaHandover handover, IkeSaEnvironment environment) =>
        new(CompactMailbox.Deploy, typeof(IkeSaActor), handover, environment);

    /// <summary>Actor name of an established IKE SA: its first responder SPI (ours, unique on this node).</summary>
    public static string NameFor(ulong responderSpi) => $"ike-{responderSpi:x16}";

    private void HandOver(IReadOnlyList<byte[]> outbound)
    {
        Timers.CancelAll();
        var handover = new IkeSaHandover(_session, _spis, outbound, _socket);
        // IKE_AUTH chose the connection (IkeAuthTask.ProcessR): the SA goes to that connection's home, with its timers.
        IkeSaEnvironment chosen = Sa.Connection?.Tag is ConnectionHome home ? _env.For(home) : _env;
        CompactMailbox.Register(Context.System);
        chosen.Home!.Tell(new SpawnSa(chosen.Connection, Adopting(handover, chosen), NameFor(Sa.ResponderSpi)));
        // Bounded like a kernel install: a home that never answers must not hold the SA forever.
        Timers.StartSingleTimer(HandoverKey, HandoverTimeout.Instance, _settings.KernelTimeout);
        _handingOver = true;
    }

    private void HandingOver(object message)
    {
        switch (message)
        {
            case SaSpawned spawned:
                Timers.Cancel(HandoverKey);
                _handedOver = true;
                foreach (var (forwarded, sender) in _forward)
                {
                    spawned.Sa.Tell(forwarded, sender);
                }

                _forward.Clear();
                _env.Observer?.Tell(new IkeSaMoved(Sa.ResponderSpi, spawned.Sa));
                Context.Stop(Self);
                break;
            case HandoverTimeout:
                _log.HandoverTimedOut(Sa.ToString(),
                    (Sa.Connection?.Tag is ConnectionHome home ? home.Home : _env.Home)?.ToString() ?? "", _settings.KernelTimeout);
                Context.Stop(Self);
                break;
            case IkeDatagram or DeleteIkeSa or GetIkeSaStatus:
                _forward.Add((message, Sender));
                break;
            default:
                // Timer ticks of the half-open phase: the established actor keeps its own.
                break;
        }
    }

    /// <summary>The established actor's start: the SPIs route here from now on, then the step IKE_AUTH left
    /// unfinished goes on as it would have in the half-open actor.</summary>
    private void ArriveFromHandshake(IkeSaHandover handover)
    {
        _arrived = null;
        _spis?.MoveTo(Self);
        _log.HandedOver(Sa, Context.Parent.Path);
        Execute(_session.Arrive(handover.Outbound, SessionSettings(_env)));
    }
}
