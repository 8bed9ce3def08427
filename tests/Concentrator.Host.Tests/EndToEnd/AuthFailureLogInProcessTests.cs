using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Concentrator.Ike;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Issue 10, defect 11 over real UDP: a refused IKE_AUTH is explained in the responder's log (why, and
/// for whom) and the log never carries a pre-shared key.</summary>
public sealed class AuthFailureLogInProcessTests : IAsyncLifetime
{
    private const string WrongSecret = "wrong-secret-for-the-log-test";
    private readonly ConcurrentQueue<string> _log = new();
    private InProcessResponder _responder = null!;

    public async Task InitializeAsync()
    {
        _responder = await InProcessResponder.StartAsync(logLevel: "INFO");
        ActorSystem system = _responder.Node.System;
        IActorRef collector = system.ActorOf(Props.Create(() => new LogCollector(_log)));
        system.EventStream.Subscribe(collector, typeof(LogEvent));
    }

    public async Task DisposeAsync() => await _responder.DisposeAsync();

    [Fact]
    public async Task Connect_WrongPsk_EndedLineNamesWrongCredentialAndNoSecret()
    {
        using var client = new UdpInitiator(_responder.Server, InProcessResponder.Identity, WrongSecret);

        Assert.Equal(IkeSaState.Failed, await client.ConnectAsync());
        Assert.Equal(NotifyType.AuthenticationFailed, client.Sa.FailureNotify);

        await _responder.EventuallyAsync(() => Task.FromResult(_log.Any(IsEndedLine)), "the 'ended' log line");
        string ended = _log.First(IsEndedLine);
        Assert.Contains("AuthenticationFailed", ended, StringComparison.Ordinal);
        Assert.Contains("pre-shared key", ended, StringComparison.Ordinal);
        Assert.Contains(InProcessResponder.Identity, ended, StringComparison.Ordinal);
        Assert.DoesNotContain(_log, line => line.Contains(WrongSecret, StringComparison.Ordinal)
            || line.Contains(InProcessResponder.Secret, StringComparison.Ordinal));
    }

    private static bool IsEndedLine(string line) => line.Contains(": ended (", StringComparison.Ordinal);

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(ConcurrentQueue<string> lines) => Receive<LogEvent>(e => lines.Enqueue(e.Message?.ToString() ?? ""));
    }
}
