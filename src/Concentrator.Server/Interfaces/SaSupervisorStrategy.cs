using Akka.Actor;

namespace Concentrator.Server.Interfaces;

/// <summary>
/// How an interface actor supervises its IKE SAs: a failing SA is stopped, never restarted (see
/// <see cref="InterfaceActor.SaSupervision"/>), and every child's end reaches the interface actor as
/// <see cref="SaStopped"/>. Akka tells a parent of each child's end whether or not it watches the child; hearing it
/// here instead of through <c>Context.Watch</c> spares the death-watch state Akka keeps per watched actor
/// (≈ 400 bytes per IKE SA, issue 13).
/// </summary>
internal sealed class SaSupervisorStrategy()
    : OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Stop)
{
    public static SaSupervisorStrategy Instance { get; } = new();

    /// <summary>Runs in the parent, after the child left its children; the parent handles the message next.</summary>
    public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
        actorContext.Self.Tell(new SaStopped(child), ActorRefs.NoSender);
}

/// <summary>An IKE SA actor under this interface actor stopped (from <see cref="SaSupervisorStrategy"/>).</summary>
internal sealed record SaStopped(IActorRef Sa);
