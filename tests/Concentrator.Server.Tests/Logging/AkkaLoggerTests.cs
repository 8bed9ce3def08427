using System.Reflection;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using Xunit;
using MelLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Concentrator.Server.Tests.Logging;

public sealed class AkkaLoggerTests : TestKit
{
    public AkkaLoggerTests() : base("akka.loglevel = DEBUG")
    {
    }

    [Fact]
    public void EventIds_AreUniqueAcrossTheAssembly()
    {
        var events = typeof(AkkaLogger).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.True(events.Count >= 25, $"only {events.Count} [LoggerMessage] methods found");
        var duplicates = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method.DeclaringType!.Name}.{e.Method.Name}"))}")
            .ToList();
        Assert.Empty(duplicates);
        Assert.DoesNotContain(events, e => e.Attribute!.EventId <= 0);
    }

    [Theory]
    [InlineData(MelLevel.Trace, typeof(Debug))]
    [InlineData(MelLevel.Debug, typeof(Debug))]
    [InlineData(MelLevel.Information, typeof(Info))]
    [InlineData(MelLevel.Warning, typeof(Warning))]
    [InlineData(MelLevel.Error, typeof(Error))]
    [InlineData(MelLevel.Critical, typeof(Error))]
    public void Log_ForwardsLevelTextAndException(MelLevel level, Type expected)
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(LogEvent));
        var logger = new AkkaLogger(Akka.Event.Logging.GetLogger(Sys, "akka-logger-test"));
        var cause = new InvalidOperationException("boom");

        // Braces in the text are data, never a format.
        logger.SessionEvent(level, "peer {id} said {0}", cause);

        var logged = probe.FishForMessage<LogEvent>(e => e.LogSource.Contains("akka-logger-test", StringComparison.Ordinal));
        Assert.IsType(expected, logged);
        Assert.Equal("peer {id} said {0}", logged.Message.ToString());
        Assert.Same(cause, logged.Cause);
    }

    [Fact]
    public void GeneratedEvent_RendersTheSameTextAsAkkasFormat()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Warning));
        var logger = new AkkaLogger(Akka.Event.Logging.GetLogger(Sys, "akka-logger-test"));

        logger.SlowCommand("add SA esp spi 0x1", 2.25);

        var logged = probe.FishForMessage<Warning>(e => e.LogSource.Contains("akka-logger-test", StringComparison.Ordinal));
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, "kernel: {0} took {1:F1} s", "add SA esp spi 0x1", 2.25), logged.Message.ToString());
        Assert.Null(logged.Cause);
    }

    [Fact]
    public void IsEnabled_FollowsTheAdaptersLevels()
    {
        Sys.EventStream.SetLogLevel(Akka.Event.LogLevel.WarningLevel);
        try
        {
            var logger = new AkkaLogger(Akka.Event.Logging.GetLogger(Sys, "levels"));
            Assert.False(logger.IsEnabled(MelLevel.Debug));
            Assert.False(logger.IsEnabled(MelLevel.Information));
            Assert.True(logger.IsEnabled(MelLevel.Warning));
            Assert.True(logger.IsEnabled(MelLevel.Critical));
            Assert.False(logger.IsEnabled(MelLevel.None));
        }
        finally
        {
            Sys.EventStream.SetLogLevel(Akka.Event.LogLevel.DebugLevel);
        }
    }
}
