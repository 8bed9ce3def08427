using Akka.Actor;
using Akka.Event;

namespace Concentrator.Fuzz.Actor;

/// <summary>Counts the Error events of the node's event stream: an actor that threw (and was restarted or stopped by its
/// supervisor) is logged there, as is anything our code logs as an error.</summary>
internal sealed class ErrorCounter : ReceiveActor
{
    public ErrorCounter(ErrorLog log) => Receive<Error>(e => log.Add(e));

    public static Props Props(ErrorLog log) => Akka.Actor.Props.Create(() => new ErrorCounter(log));
}

internal sealed class ErrorLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _byMessage = [];

    public int Count { get; private set; }

    public void Add(Error error)
    {
        lock (_lock)
        {
            Count++;
            string key = $"{error.LogSource}: {error.Cause?.GetType().Name} {error.Message}".Split('\n')[0];
            key = key.Length > 200 ? key[..200] : key;
            _byMessage[key] = _byMessage.GetValueOrDefault(key) + 1;
        }
    }

    public IEnumerable<string> Top(int n)
    {
        lock (_lock)
        {
            return _byMessage.OrderByDescending(kv => kv.Value).Take(n).Select(kv => $"{kv.Value,8:N0}  {kv.Key}").ToList();
        }
    }
}
