using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Concentrator.Benchmarks.Server;
using Concentrator.Host.Management;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;

namespace Concentrator.Benchmarks.Host;

/// <summary>
/// <c>list-sas</c> at <see cref="Count"/> established IKE SAs: the API's path from the question to the bytes on the
/// socket, without the socket. An <see cref="InterfaceActor"/> supervises <see cref="Count"/> SA actors, each
/// registered with its summary as an IkeSaActor does; the benchmark asks it through a <see cref="ManagementActor"/>-like
/// ask (<see cref="ListSas"/>) and streams the answer with the endpoint's <see cref="SaListWriter"/> into a pipe over
/// a counting stream. Baseline: the same summaries, already in a list, serialized in one call.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup ends the actor system.")]
public class ListSasBenchmarks
{
    private ActorSystem _system = null!;
    private IActorRef _home = null!;
    private IActorRef _kernel = null!;
    private List<SaSummary> _summaries = [];
    private Dictionary<string, IPAddress> _locals = [];

    [Params(100_000)]
    public int Count { get; set; }

    /// <summary>Bytes of the last listing (printed at cleanup: the size of the answer).</summary>
    public long Bytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        _system = ActorSystem.Create("bench-list", config.WithFallback(ConfigurationFactory.Default()));
        var kernel = _kernel = _system.ActorOf(KernelActor.Props(new InMemoryKernelIpsec(), new KernelSettings(64, 100_000)));
        _home = _system.ActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("no"), kernel, new InterfaceSettings(1400, "")), "policy-based");
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < Count; i++)
        {
            var summary = new SaSummary($"ike-{i:x16}", "road-warrior", "policy-based", $"user{i}@example.net", $"203.0.113.{i % 250}:{1024 + (i % 60000)}",
                "192.0.2.1:4500", [$"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"], start);
            _summaries.Add(summary);
            var child = Child(i);
            _locals[summary.Id] = Gateway;
            _home.Tell(new SpawnSa("road-warrior", Props.Create(() => new RegisteringSa(summary, kernel, child)), summary.Id));
        }

        while (_home.Ask<SaList>(new ListSas(SaFilter.All), TimeSpan.FromMinutes(1)).Result.Sas.Count < Count)
        {
            Thread.Sleep(100);
        }

        while (_kernel.Ask<TrafficByOwner>(new ReadTrafficByOwner(_locals), TimeSpan.FromMinutes(1)).Result.Counters.Count < Count)
        {
            Thread.Sleep(100);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// list-sas at {Count} SAs: {Bytes} bytes of JSON");
        _system.Terminate().Wait();
    }

    [Benchmark(Baseline = true)]
    public long SerializeListInOneCall()
    {
        var counter = new CountingStream();
        JsonSerializer.Serialize(counter, _summaries, ManagementJson.Default.ListSaSummary);
        return counter.Length;
    }

    [Benchmark]
    public async Task<long> AskInterfaceActorAndStream()
    {
        var list = await _home.Ask<SaList>(new ListSas(SaFilter.All), TimeSpan.FromMinutes(1));
        var counter = new CountingStream();
        var pipe = PipeWriter.Create(counter);
        await SaListWriter.WriteAsync(pipe, list.Sas, CancellationToken.None);
        await pipe.CompleteAsync();
        Bytes = counter.Length;
        return counter.Length;
    }

    /// <summary>The bytes/packets of every listed SA (list-sas' <c>traffic</c>): one ask of the kernel actor, which
    /// reads the two states of each SA (here from an in-memory kernel: the actor's side of the cost).</summary>
    [Benchmark]
    public async Task<int> ReadTrafficOfAll()
    {
        var traffic = await _kernel.Ask<TrafficByOwner>(new ReadTrafficByOwner(_locals), TimeSpan.FromMinutes(1));
        return traffic.Counters.Count == Count ? Count : throw new InvalidOperationException($"{traffic.Counters.Count} owners read, not {Count}");
    }

    [Benchmark]
    public async Task<int> AskFilteredByIdentity()
    {
        var list = await _home.Ask<SaList>(new ListSas(new SaFilter { Identity = "user4242@example.net" }), TimeSpan.FromMinutes(1));
        return list.Sas.Count;
    }

    private static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");

    /// <summary>One CHILD SA's two states (no policies), as an established SA installs them.</summary>
    private static InstallChild Child(int i)
    {
        uint reqid = 0x4000_0000u + (uint)i;
        var peer = new IPAddress(new byte[] { 203, 0, 113, (byte)(i % 250) });
        var aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, new byte[36], 128);
        SaRequest Sa(IPAddress src, IPAddress dst, uint spi) => new(src, dst, spi, reqid) { Aead = aead };
        return new InstallChild(i + 1, reqid, [new SaInstall(Sa(peer, Gateway, 0xC000_0000u + (uint)i)), new SaInstall(Sa(Gateway, peer, 0xA000_0000u + (uint)i))], []);
    }

    private sealed class RegisteringSa : ReceiveActor
    {
        public RegisteringSa(SaSummary summary, IActorRef kernel, InstallChild child)
        {
            kernel.Tell(child);
            Context.Parent.Tell(new SaRegistered(summary));
            ReceiveAny(_ => { });
        }
    }

    /// <summary>A write-only stream that only counts (the socket's stand-in).</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
