using System.Collections.Concurrent;
using Akka.Actor;

namespace Concentrator.Server.Network;

/// <summary>
/// The sending side of the running IKE socket actors, for IKE SA actors to send their datagrams on the socket from
/// their own thread instead of a <see cref="SendIke"/> message to the socket actor (issue 13: one actor hop per
/// answer). The socket actor still owns the sockets: it registers itself once they are bound and unregisters
/// before it closes them; a socket actor not registered here (a test's probe) gets the message.
/// </summary>
internal static class IkeSocketSender
{
    private static readonly ConcurrentDictionary<IActorRef, IkeSocketActor> Running = new();

    public static void Register(IActorRef socket, IkeSocketActor actor) => Running[socket] = actor;

    public static void Unregister(IActorRef socket) => Running.TryRemove(socket, out _);

    /// <summary>Sends <paramref name="send"/> through <paramref name="socket"/>: directly when it is a running socket
    /// actor of this process, else as a message.</summary>
    public static void Send(IActorRef socket, SendIke send)
    {
        if (Running.TryGetValue(socket, out var actor))
        {
            actor.SendNow(send);
            return;
        }

        socket.Tell(send);
    }
}
