using System.Diagnostics;
using System.Reflection;
using Xunit.Abstractions;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// Runs the guest ring's tests inside the guest without vstest, which costs 20-50 s of start-up under TCG
/// (two runtimes, the CLI, adapter discovery) where this costs about one second. It covers only the shapes
/// the guest tests use: a class marked Ring=Guest with a parameterless or <see cref="ITestOutputHelper"/>
/// constructor, <c>[Fact]</c> methods returning void, Task or ValueTask, optional (Async)Dispose. Anything
/// else (theories, fixtures, skips) is reported as a failure instead of being ignored. All tests run at
/// once, so each must keep to network namespaces of its own. Output, per test, which
/// <see cref="GuestRingTests"/> parses:
/// its log, then <c>GUEST-TEST PASS|FAIL &lt;full method name&gt; &lt;ms&gt;</c>, then the failure; last a summary line.
/// The process exit code is the number of failed tests.
/// </summary>
internal static class GuestTestRunner
{
    /// <summary>Set by GuestRingTests for the guest run; without it (and outside the guest) the hook does nothing.</summary>
    public const string RunVariable = "CONCENTRATOR_GUEST_RUN_TESTS";

    /// <summary>Which boot this run is (<see cref="GuestBootAttribute"/>); unset: the default boot, classes without the attribute.</summary>
    public const string BootVariable = "CONCENTRATOR_GUEST_BOOT";

    public const string Pass = "GUEST-TEST PASS ";
    public const string Fail = "GUEST-TEST FAIL ";

    public static void RunIfAsked()
    {
        if (Environment.GetEnvironmentVariable(RunVariable) != "1")
        {
            return;
        }

        int failed = RunAll(Console.Out);
        Console.Out.Flush();
        Environment.Exit(Math.Min(failed, 100));
    }

    /// <summary>Classes of this assembly that carry [Trait("Ring", "Guest")] and belong to <paramref name="boot"/>
    /// (<see cref="GuestBootAttribute"/>; null: the default boot, the classes without one).</summary>
    public static IEnumerable<Type> GuestClasses(string? boot = null) =>
        typeof(GuestTestRunner).Assembly.GetTypes().Where(t => t.GetCustomAttributesData().Any(IsGuestTrait)
            && (t.GetCustomAttributes(typeof(GuestBootAttribute), false) is [GuestBootAttribute own] ? own.Name : null) == boot);

    /// <summary>Full names (Namespace.Class.Method) of their [Fact]/[Theory] methods.</summary>
    public static List<string> GuestTestNames(string? boot = null) =>
        GuestClasses(boot)
            .SelectMany(t => TestMethods(t).Select(m => t.FullName + "." + m.Name))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<MethodInfo> TestMethods(Type t) =>
        t.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null).OrderBy(m => m.Name, StringComparer.Ordinal);

    private static bool IsGuestTrait(CustomAttributeData a) =>
        a.AttributeType == typeof(TraitAttribute)
        && a.ConstructorArguments is [{ Value: GuestKernel.Ring }, { Value: GuestKernel.Guest }];

    private static int RunAll(TextWriter output)
    {
        var total = Stopwatch.StartNew();
        // Each test works in namespaces of its own, so they run side by side: under TCG most of a test's time
        // is exec start-up and ping intervals, which overlap well on the guest's vCPUs.
        var boot = Environment.GetEnvironmentVariable(BootVariable) is { Length: > 0 } named ? named : null;
        var runs = GuestClasses(boot)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => TestMethods(t).Select(m => (Name: t.FullName + "." + m.Name, Type: t, Method: m)))
            .Select(test => Task.Factory.StartNew(
                () =>
                {
                    var log = new StringWriter();
                    var clock = Stopwatch.StartNew();
                    var error = RunOne(test.Type, test.Method, log);
                    return (test.Name, Error: error, Milliseconds: clock.ElapsedMilliseconds, Log: log.ToString());
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default))
            .ToList();

        int passed = 0, failed = 0;
        foreach (var run in runs)
        {
            var (name, error, ms, log) = run.GetAwaiter().GetResult();
            output.Write(log);
            if (error is null)
            {
                passed++;
                output.WriteLine($"{Pass}{name} {ms}");
            }
            else
            {
                failed++;
                output.WriteLine($"{Fail}{name} {ms}");
                output.WriteLine(error);
            }
        }

        output.WriteLine($"GUEST-TESTS {passed} passed, {failed} failed in {total.ElapsedMilliseconds} ms");
        return failed;
    }

    private static Exception? RunOne(Type type, MethodInfo method, TextWriter output)
    {
        try
        {
            if (method.GetCustomAttribute<FactAttribute>() is { Skip: not null } || method.GetParameters().Length != 0
                || type.GetInterfaces().Any(i => i.IsGenericType))
            {
                throw new NotSupportedException("the guest runner supports only plain [Fact] methods without skip or fixtures");
            }

            object instance = Construct(type, output);
            try
            {
                Await(method.Invoke(instance, null));
            }
            finally
            {
                if (instance is IAsyncDisposable asyncDisposable)
                {
                    asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
                else if (instance is IDisposable disposable)
                {
                    disposable.Dispose();
                }
            }

            return null;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return e.InnerException;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static object Construct(Type type, TextWriter output)
    {
        if (type.GetConstructor(Type.EmptyTypes) is { } plain)
        {
            return plain.Invoke(null);
        }

        return type.GetConstructor([typeof(ITestOutputHelper)]) is { } withLog
            ? withLog.Invoke([new ConsoleOutput(output)])
            : throw new NotSupportedException($"{type.Name} needs a parameterless or ITestOutputHelper constructor");
    }

    private static void Await(object? result)
    {
        switch (result)
        {
            case Task task:
                task.GetAwaiter().GetResult();
                break;
            case ValueTask valueTask:
                valueTask.AsTask().GetAwaiter().GetResult();
                break;
        }
    }

    private sealed class ConsoleOutput(TextWriter output) : ITestOutputHelper
    {
        public void WriteLine(string message) => output.WriteLine("  " + message);

        public void WriteLine(string format, params object[] args) => output.WriteLine("  " + string.Format(format, args));
    }
}
