using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;
using Concentrator.Server.Sa;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// One whole IKE_SA_INIT + IKE_AUTH handshake (PSK, virtual IP, one CHILD SA installed, then the IKE SA ended),
/// our own initiator <see cref="IkeSa"/> as the client, done twice in the same run:
/// <list type="bullet">
/// <item><see cref="PureIkeSa"/> (baseline): initiator and responder <see cref="IkeSa"/> objects call each other
/// directly, the CHILD SA goes into the kernel by direct <see cref="IKernelIpsec"/> calls.</item>
/// <item><see cref="ActorPath"/>: each datagram enters the real <see cref="IkeSocketActor"/> as <see cref="InjectIke"/>
/// (what the userspace dataplane hands it from port 4500), is classified and routed by SPI to the
/// <see cref="IkeSaDispatcher"/> / <see cref="IkeSaActor"/> (moving to its <see cref="InterfaceActor"/> once established), the CHILD SA goes through the <see cref="KernelActor"/>,
/// and the response comes back through the socket actor's NAT-T transport.</item>
/// </list>
/// Both use <see cref="InMemoryKernelIpsec"/> (no netlink, no syscalls) and no UDP socket, so the ratio is the
/// actors' overhead on top of the protocol work. The initiator's work is in both rows.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup ends the kernel.")]
public class ActorHandshakeBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IkeSaConfig _responderConfig = ServerBenchSetup.ResponderConfig();
    private readonly IkeSaConfig _initiatorConfig = ServerBenchSetup.InitiatorConfig();
    private readonly InMemoryKernelIpsec _kernel = new();
    private readonly BenchAddressPool _pool = new();
    private readonly SpiTable _spis = new();
    private ActorSystem _system = null!;
    private IActorRef _socket = null!;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<byte[]>> _pending = new();
    private uint _reqid;

    [GlobalSetup]
    public void Setup()
    {
        // CONCENTRATOR_BENCH_LOGLEVEL=INFO measures what the per-SA Info lines cost (the host's default level).
        var level = Environment.GetEnvironmentVariable("CONCENTRATOR_BENCH_LOGLEVEL") ?? "WARNING";
        var config = ConfigurationFactory.ParseString($"akka.loglevel = {level}\nakka.stdout-loglevel = WARNING");
        _system = ActorSystem.Create("bench", config.WithFallback(ConfigurationFactory.Default()));
        var kernelActor = _system.ActorOf(KernelActor.Props(_kernel, new KernelSettings(BatchSize: 64, QueueBound: 100_000)), "kernel");
        var settings = IkeSaActorSettings.Default with { DpdDelay = TimeSpan.Zero, IfId = 7 };
        // As in a node: established SAs move from the dispatcher to their connection's interface actor.
        var home = _system.ActorOf(InterfaceActor.Props(IpsecInterfaceSetting.None, kernelActor, new InterfaceSettings(1400, "")),
            InterfaceActor.NameFor(IpsecInterfaceSetting.None));
        var environment = new IkeSaEnvironment(new IkeSaServices { AddressAllocator = _pool }, kernelActor, settings)
        {
            Spis = _spis,
            Home = home,
            Connection = "bench",
        };
        // One DatagramDrops for socket and dispatcher, as in a node: the socket counts IKE_SA_INITs into the new-SA
        // backlog and the dispatcher counts them out; with two, the backlog (4096) fills and every later one is dropped.
        var drops = new DatagramDrops();
        var dispatcher = _system.ActorOf(IkeSaDispatcher.Props(_responderConfig, environment, new HalfOpenSettings(int.MaxValue, int.MaxValue, int.MaxValue, TimeSpan.FromMinutes(1)), drops), "ike-sas");
        var options = new IkeSocketOptions([IPAddress.Loopback], 0, 0)
        {
            Drops = drops,
            BypassIpsecPolicies = false,
            ExternalNatT = new ExternalNatTransport(ServerBenchSetup.Gateway, OnSend),
        };
        _socket = _system.ActorOf(IkeSocketActor.Props(options, _spis, dispatcher), "ike-socket");
        _socket.Ask<SocketStats>(GetSocketStats.Instance, Timeout).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait(Timeout);
        _kernel.DisposeAsync().AsTask().Wait(Timeout);
    }

    /// <summary>The protocol work alone: both IkeSa objects and the direct kernel calls.</summary>
    [Benchmark(Baseline = true)]
    public IkeSaState PureIkeSa()
    {
        var installed = new List<InstallChild>(1);
        var services = new IkeSaServices
        {
            AddressAllocator = _pool,
            InstallChildSa = child =>
            {
                var install = ChildSaKernelRequests.Install(child, 0, ++_reqid, 7);
                InstallDirect(_kernel, install);
                installed.Add(install);
            },
        };
        using var responder = IkeSa.CreateResponder(_responderConfig, services, ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        using var initiator = IkeSa.CreateInitiator(_initiatorConfig, new IkeSaServices(), ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        var initResponse = responder.Process(initiator.Initiate().Message!, ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        var auth = initiator.Process(initResponse.Message!, ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        var authResponse = responder.Process(auth.Message!, ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        initiator.Process(authResponse.Message!, ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        foreach (var install in installed)
        {
            RemoveDirect(_kernel, new RemoveChild(0, install.Reqid, install.Sas.Select(s => s.Request.Id).ToList(), install.Policies.Select(p => p.Id).ToList()));
        }

        return Established(initiator);
    }

    /// <summary>The same handshake through the socket actor, the dispatcher, the IKE SA actor and the kernel actor,
    /// one at a time: every hop wakes an idle thread, the worst case for the actors.</summary>
    [Benchmark]
    public Task<IkeSaState> ActorPath() => Handshake();

    /// <summary><see cref="InFlight"/> handshakes through the actors at once (each one counted): the threads stay busy,
    /// as in a responder under load.</summary>
    [Benchmark(OperationsPerInvoke = InFlight)]
    public async Task<IkeSaState> ActorPathConcurrent()
    {
        var handshakes = new Task<IkeSaState>[InFlight];
        for (int i = 0; i < handshakes.Length; i++)
        {
            handshakes[i] = Handshake();
        }

        return (await Task.WhenAll(handshakes).ConfigureAwait(false))[^1];
    }

    /// <summary>Handshakes in flight in <see cref="ActorPathConcurrent"/>.</summary>
    public const int InFlight = 16;

    private async Task<IkeSaState> Handshake()
    {
        using var initiator = IkeSa.CreateInitiator(_initiatorConfig, new IkeSaServices(), ServerBenchSetup.Client, ServerBenchSetup.Gateway);
        var auth = initiator.Process(await Exchange(initiator.InitiatorSpi, initiator.Initiate().Message!).ConfigureAwait(false), ServerBenchSetup.Gateway, ServerBenchSetup.Client);
        initiator.Process(await Exchange(initiator.InitiatorSpi, auth.Message!).ConfigureAwait(false), ServerBenchSetup.Gateway, ServerBenchSetup.Client);

        // End the IKE SA as a peer's INITIAL_CONTACT would: the actor stops, the kernel actor removes its CHILD SA.
        if (_spis.TryGet(initiator.ResponderSpi, out var sa))
        {
            sa.Tell(new DeleteIkeSa("bench", Silently: true));
        }

        return Established(initiator);
    }

    internal static void InstallDirect(IKernelIpsec kernel, InstallChild install)
    {
        foreach (var sa in install.Sas)
        {
            Completed(kernel.AddSaAsync(sa.Request));
        }

        foreach (var policy in install.Policies)
        {
            Completed(kernel.AddPolicyAsync(policy));
        }
    }

    internal static void RemoveDirect(IKernelIpsec kernel, RemoveChild remove)
    {
        foreach (var policy in remove.Policies)
        {
            Completed(kernel.DeletePolicyAsync(policy));
        }

        foreach (var sa in remove.Sas)
        {
            Completed(kernel.DeleteSaAsync(sa));
        }
    }

    // The in-memory kernel completes synchronously; anything else would not belong in this synchronous baseline.
    private static void Completed(ValueTask call)
    {
        if (!call.IsCompleted)
        {
            throw new InvalidOperationException("the bench kernel must complete synchronously");
        }

        call.GetAwaiter().GetResult();
    }

    private static IkeSaState Established(IkeSa initiator) => initiator.State == IkeSaState.Established
        ? initiator.State
        : throw new InvalidOperationException($"handshake ended {initiator.State} ({initiator.FailureNotify})");

    private async Task<ReadOnlyMemory<byte>> Exchange(ulong initiatorSpi, byte[] request)
    {
        // Continuations off the socket actor's thread, as a UDP receive would be.
        var pending = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[initiatorSpi] = pending;
        _socket.Tell(new InjectIke(ServerBenchSetup.Client, request));
        return await pending.Task.WaitAsync(Timeout).ConfigureAwait(false);
    }

    // The response goes to the handshake whose SPIi (the first 8 octets of the IKE header) it carries.
    private void OnSend(ReadOnlyMemory<byte> message, IPEndPoint to)
    {
        if (message.Length >= 8 && _pending.TryRemove(BinaryPrimitives.ReadUInt64BigEndian(message.Span), out var pending))
        {
            pending.TrySetResult(message.ToArray());
        }
    }
}
