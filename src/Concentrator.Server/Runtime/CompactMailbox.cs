using Akka.Actor;
using Akka.Configuration;
using HoconConfig = Akka.Configuration.Config;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Concentrator.Server.Runtime;

/// <summary>
/// The mailbox of the actors a node holds by the hundred thousand (one per IKE SA): a
/// <see cref="CompactDequeMessageQueue"/>, which keeps nothing while the actor is idle, with the deque an actor's
/// stash needs. Actors choose it with <c>Props.WithMailbox(CompactMailbox.Id)</c>; <see cref="Register"/> makes
/// that id known to an actor system (Akka looks mailboxes up by configuration path), from the actor that spawns them.
/// Not an operator setting: nothing in reference.conf.
/// </summary>
public sealed class CompactMailbox(Settings settings, HoconConfig config)
    : MailboxType(settings, config), IProducesMessageQueue<CompactDequeMessageQueue>
{
    /// <summary>The configuration path of this mailbox in an actor system where it is registered.</summary>
    public const string Id = "concentrator-internal.compact-mailbox";

    private static readonly HoconConfig Definition = ConfigurationFactory.ParseString(
        $"{Id}.mailbox-type = \"{typeof(CompactMailbox).AssemblyQualifiedName}\"");

    /// <summary>A deployment on this mailbox, one for every actor that uses it (<c>Props.WithMailbox</c> makes one per
    /// Props, and the actor keeps it).</summary>
    public static Deploy Deploy { get; } = Deploy.None.WithMailbox(Id);

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactDequeMessageQueue();

    /// <summary>Makes <see cref="Id"/> resolvable in <paramref name="system"/> (once; later calls see it there).</summary>
    public static void Register(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        lock (Definition)
        {
            if (!system.Settings.Config.HasPath(Id))
            {
                system.Settings.InjectTopLevelFallback(Definition);
            }
        }
    }
}
