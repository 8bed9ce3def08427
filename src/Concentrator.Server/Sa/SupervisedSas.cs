using Akka.Actor;

namespace Concentrator.Server.Sa;

/// <summary>
/// The IKE SA actors one supervisor (the dispatcher for handshakes, an interface actor for established SAs) watches,
/// and the shutdown it answers for them: <see cref="DeleteAllIkeSas"/> tells each to delete itself and is answered
/// with <see cref="AllIkeSasEnded"/> once none is left. Used on the supervisor's thread only.
/// </summary>
internal sealed class SupervisedSas
{
    private readonly HashSet<IActorRef> _live = [];
    private readonly List<(IActorRef ReplyTo, int Deleted)> _waitingForEnd = [];

    public int Count => _live.Count;

    public void Add(IActorRef sa) => _live.Add(sa);

    /// <summary>The SA stopped or left this supervisor's care; answers waiting shutdowns when it was the last.</summary>
    public void Remove(IActorRef sa)
    {
        if (_live.Remove(sa))
        {
            AnswerIfAllEnded();
        }
    }

    public void DeleteAll(DeleteAllIkeSas delete, IActorRef replyTo)
    {
        foreach (var sa in _live)
        {
            sa.Tell(new DeleteIkeSa(delete.Reason));
        }

        _waitingForEnd.Add((replyTo, _live.Count));
        AnswerIfAllEnded();
    }

    private void AnswerIfAllEnded()
    {
        if (_live.Count > 0 || _waitingForEnd.Count == 0)
        {
            return;
        }

        foreach (var (replyTo, deleted) in _waitingForEnd)
        {
            replyTo.Tell(new AllIkeSasEnded(deleted));
        }

        _waitingForEnd.Clear();
    }
}
