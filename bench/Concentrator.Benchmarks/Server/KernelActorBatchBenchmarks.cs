using System.Net;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// <see cref="Count"/> CHILD SAs (two states, three policies each, as <c>ChildSaKernelRequests</c> builds them)
/// installed and then removed again, through the <see cref="KernelActor"/> (all commands told at once, answers
/// counted by one receiving actor) against the same calls made straight on <see cref="IKernelIpsec"/> one after
/// the other. The kernel is <see cref="InMemoryKernelIpsec"/>, so the ratio is the kernel actor's own cost per
/// command: queues per reqid/selector, the owner bookkeeping, the task per command and the piped answer.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup ends the kernel.")]
public class KernelActorBatchBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");
    private readonly InMemoryKernelIpsec _kernel = new();
    private ActorSystem _system = null!;
    private IActorRef _kernelActor = null!;
    private IActorRef _counter = null!;
    private InstallChild[] _installs = [];
    private RemoveChild[] _removes = [];

    [Params(64, 1024)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        _system = ActorSystem.Create("bench-kernel", config.WithFallback(ConfigurationFactory.Default()));
        _kernelActor = _system.ActorOf(KernelActor.Props(_kernel, new KernelSettings(BatchSize: 64, QueueBound: 100_000)), "kernel");
        _counter = _system.ActorOf(Props.Create(() => new AnswerCounter()), "counter");
        _installs = Enumerable.Range(0, Count).Select(i => Child(i)).ToArray();
        _removes = _installs.Select(i => new RemoveChild(i.CorrelationId, i.Reqid, i.Sas.Select(s => s.Request.Id).ToList(), i.Policies.Select(p => p.Id).ToList())).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait(Timeout);
        _kernel.DisposeAsync().AsTask().Wait(Timeout);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Direct()
    {
        foreach (var install in _installs)
        {
            foreach (var sa in install.Sas)
            {
                await _kernel.AddSaAsync(sa.Request).ConfigureAwait(false);
            }

            foreach (var policy in install.Policies)
            {
                await _kernel.AddPolicyAsync(policy).ConfigureAwait(false);
            }
        }

        int installed = _kernel.SaCount;
        foreach (var remove in _removes)
        {
            foreach (var policy in remove.Policies)
            {
                await _kernel.DeletePolicyAsync(policy).ConfigureAwait(false);
            }

            foreach (var sa in remove.Sas)
            {
                await _kernel.DeleteSaAsync(sa).ConfigureAwait(false);
            }
        }

        return Check(installed);
    }

    [Benchmark]
    public async Task<int> ThroughKernelActor()
    {
        await Send(_installs).ConfigureAwait(false);
        int installed = _kernel.SaCount;
        await Send(_removes).ConfigureAwait(false);
        return Check(installed);
    }

    private Task Send(IKernelCommand[] commands)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _counter.Tell(new Expect(commands.Length, done));
        foreach (var command in commands)
        {
            _kernelActor.Tell(command, _counter);
        }

        return done.Task.WaitAsync(Timeout);
    }

    private int Check(int installed) => installed == 2 * Count && _kernel.SaCount == 0 && _kernel.PolicyCount == 0
        ? installed
        : throw new InvalidOperationException($"installed {installed} states, {_kernel.SaCount} states and {_kernel.PolicyCount} policies left");

    private static InstallChild Child(int i)
    {
        uint reqid = 0x4000_0000u + (uint)i;
        var client = new IPNetwork(new IPAddress(new byte[] { 10, 64, (byte)(i >> 8), (byte)i }), 32);
        var peer = new IPAddress(new byte[] { 203, 0, 113, (byte)(1 + (i % 250)) });
        var local = IPNetwork.Parse("198.51.100.0/24");
        var aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, new byte[36], 128);
        SaRequest Sa(IPAddress src, IPAddress dst, uint spi) => new(src, dst, spi, reqid) { Aead = aead, IfId = 7 };
        PolicyRequest Policy(TrafficSelector ts, PolicyDirection dir, IPAddress src, IPAddress dst) =>
            new(ts, dir, [new PolicyTemplate(src, dst, reqid)]) { IfId = 7 };
        var inbound = TrafficSelector.Between(client, local);
        var outbound = TrafficSelector.Between(local, client);
        return new InstallChild(
            i + 1,
            reqid,
            [new SaInstall(Sa(peer, Gateway, 0xC000_0000u + (uint)i)), new SaInstall(Sa(Gateway, peer, 0xA000_0000u + (uint)i))],
            [Policy(outbound, PolicyDirection.Out, Gateway, peer), Policy(inbound, PolicyDirection.In, peer, Gateway), Policy(inbound, PolicyDirection.Fwd, peer, Gateway)]);
    }

    private sealed record Expect(int Answers, TaskCompletionSource Done);

    /// <summary>Counts the kernel actor's answers and completes the expectation when all have come.</summary>
    private sealed class AnswerCounter : ReceiveActor
    {
        private int _left;
        private TaskCompletionSource? _done;

        public AnswerCounter()
        {
            Receive<Expect>(e =>
            {
                _left = e.Answers;
                _done = e.Done;
            });
            Receive<KernelDone>(_ => Answered());
            Receive<KernelFailed>(f => _done?.TrySetException(new InvalidOperationException(f.ToString())));
        }

        private void Answered()
        {
            if (--_left == 0)
            {
                _done?.TrySetResult();
            }
        }
    }
}
