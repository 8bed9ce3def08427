using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Net;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Engine;

/// <summary>
/// The initiator swarm: sets up <see cref="LoadGenOptions.Count"/> IKE SAs (IKE_SA_INIT + IKE_AUTH with PSK, EAP or a
/// certificate, a CP request and one CHILD SA) as distinct clients against one responder, at a fixed concurrency or rate,
/// optionally holds them (answering the responder's INFORMATIONALs) and tears them down. Threads: one receive
/// loop per socket (async, on the pool) and one timer loop for starts, retransmissions and progress. Clients
/// are found by their IKE SPI (SPIi: every message of an SA we initiated carries it).
/// Entry: <see cref="RunAsync"/>; the handshake path is in LoadSwarm.Datagrams.cs, timers in LoadSwarm.Timer.cs.
/// </summary>
public sealed partial class LoadSwarm : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly LoadGenOptions _options;
    private readonly TextWriter? _progress;
    private readonly IkeSaConfig _baseConfig;
    private readonly IkeSaServices _services;
    private readonly SharedKeyExchangeFactory? _sharedDh;
    private readonly ClientCertificate? _certificate;
    private readonly SwarmCounters _counters;
    private readonly ConcurrentDictionary<ulong, LoadClient> _clients = new();
    private readonly ConcurrentDictionary<ulong, LoadClient> _awaitingResponse = new();
    private readonly TaskCompletionSource _handshakesDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _deletesDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IPEndPoint _natTarget;
    private LoadSocket[] _sockets = [];
    private int _deletesOutstanding;
    private long _setupStart;

    public LoadSwarm(LoadGenOptions options, TextWriter? progress = null)
    {
        _options = options;
        _progress = progress;
        _counters = new SwarmCounters(options.Count);
        _natTarget = new IPEndPoint(options.Target.Address, options.NatTraversalPort);
        var psk = new PskAuthenticator(new PskStore().Add("%any", options.Psk).Lookup);
        _certificate = ClientCertificate.From(options);
        _baseConfig = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, [.. options.IkeProposals]),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, [.. options.EspProposals]),
            LocalIdentity = IdentityOf(0).Identity,
            RemoteIdentity = options.RemoteIdentity is { } r ? IkeIdentity.Parse(r) : IkeIdentity.Any,
            LocalAuthenticator = (IAuthenticator?)_certificate?.Authenticator ?? psk,
            RemoteAuthenticators = _certificate is { ChecksGateway: true } ? [_certificate.Authenticator] : [psk],
            RequestVirtualIp4 = options.RequestVirtualIp,
            SendInitialContact = options.InitialContact,
        };
        if (options.ReuseDh)
        {
            _sharedDh = new SharedKeyExchangeFactory();
            _services = new IkeSaServices { KeyExchangeFactory = _sharedDh.Get };
        }
        else
        {
            _services = new IkeSaServices();
        }
    }

    /// <summary>How every client ended its setup (in the order they finished).</summary>
    public IReadOnlyCollection<ClientOutcome> Outcomes => _counters.Outcomes;

    /// <summary>Established SAs that ended other than by the swarm's own Delete, by reason (e.g. deleted by the responder).</summary>
    public IReadOnlyDictionary<string, long> Drops => _counters.Drops;

    public async Task<LoadReport> RunAsync(CancellationToken cancel = default)
    {
        _sockets = OpenSockets();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // No token for Task.Run itself: a loop cancelled before it started would leave a Canceled task, and the
        // WhenAll below would throw when every setup ends at once (all refused within one tick); the loops see it.
        Task[] receivers = _sockets.Select(s => Task.Run(() => s.ReceiveLoopAsync(_options.NatTraversalPort, OnDatagram, stop.Token), CancellationToken.None)).ToArray();
        ProcessSample? before = SampleResponder();
        TimeSpan ownCpuBefore = Environment.CpuUsage.TotalTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        _setupStart = Stopwatch.GetTimestamp();
        if (_options.Rate is null)
        {
            for (int i = 0; i < Math.Min(_options.Concurrency, _options.Count); i++)
            {
                StartNext();
            }
        }

        Task timer = Task.Run(() => TimerLoopAsync(stop.Token), CancellationToken.None);
        try
        {
            await _handshakesDone.Task.WaitAsync(cancel).ConfigureAwait(false);
            double setupSeconds = Stopwatch.GetElapsedTime(_setupStart).TotalSeconds;
            ProcessSample? after = SampleResponder();
            double ownCpu = (Environment.CpuUsage.TotalTime - ownCpuBefore).TotalMilliseconds;
            long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            long setupRetransmits = _counters.Retransmits;
            PrintProgress(force: true);
            if (_options.Hold > TimeSpan.Zero)
            {
                await Task.Delay(_options.Hold, cancel).ConfigureAwait(false);
            }

            int? deleted = null;
            if (_options.Teardown)
            {
                TearDown();
                await _deletesDone.Task.WaitAsync(cancel).ConfigureAwait(false);
                deleted = _counters.Deleted;
            }

            return BuildReport(setupSeconds, before, after, deleted) with
            {
                LoadGenCpuMsPerSetup = _counters.Established > 0 ? ownCpu / _counters.Established : null,
                LoadGenAllocatedBytesPerSetup = _counters.Established > 0 ? (double)allocated / _counters.Established : null,
                Retransmits = setupRetransmits,
                TeardownRetransmits = _options.Teardown ? _counters.Retransmits - setupRetransmits : null,
            };
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (LoadSocket s in _sockets)
            {
                s.Dispose();
            }

            await Task.WhenAll([.. receivers, timer]).ConfigureAwait(false);
        }
    }

    private LoadSocket[] OpenSockets()
    {
        using NetnsScope? ns = _options.Netns is { } name ? NetnsScope.Enter(name) : null;
        IReadOnlyList<IPAddress> sources = _options.SourceAddresses.Count > 0 ? _options.SourceAddresses : [RouteSource(_options.Target)];
        var sockets = new List<LoadSocket>(sources.Count * _options.SocketsPerAddress);
        // Interleaved (A, B, A, B, …) so that clients, which take the sockets in turn, alternate addresses too.
        for (int i = 0; i < _options.SocketsPerAddress; i++)
        {
            foreach (IPAddress source in sources)
            {
                sockets.Add(new LoadSocket(new IPEndPoint(source, 0)));
            }
        }

        return [.. sockets];
    }

    /// <summary>The address the kernel's route to the target picks: what the NAT detection hashes must name
    /// (RFC 7296 §2.23), since a socket bound to the wildcard does not know it.</summary>
    private static IPAddress RouteSource(IPEndPoint target)
    {
        using var probe = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(target);
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }

    private ProcessSample? SampleResponder() => _options.ResponderPid is { } pid ? ProcessSample.Read(pid) : null;

    /// <summary>Starts the next client, if any are left; false when all were started.</summary>
    private bool StartNext()
    {
        int n = _counters.ClaimStart();
        if (n == 0)
        {
            return false;
        }

        LoadSocket socket = _sockets[(n - 1) % _sockets.Length];
        (string identity, IkeIdentity localIdentity) = IdentityOf(n);
        IkeSaConfig config = _baseConfig with { LocalIdentity = localIdentity };
        if (_options.EapMsChapV2Password is { } password)
        {
            byte[] secret = System.Text.Encoding.UTF8.GetBytes(password);
            config = config with { LocalEap = new EapClientConfig(identity, () => new EapMsChapV2Client(identity, secret, SystemRandomSource.Instance)) };
        }
        else if (_options.EapTls && _certificate is { } tls)
        {
            config = config with
            {
                LocalEap = new EapClientConfig(identity, () => new Concentrator.Ike.Auth.Eap.Tls.EapTlsClient(
                    new Concentrator.Ike.Crypto.Tls.TlsOptions(tls.Local, tls.CheckTlsServer))),
            };
        }

        LoadClient client;
        while (true)
        {
            var sa = IkeSa.CreateInitiator(config, _services, socket.LocalEndpoint, _options.Target);
            client = new LoadClient(n, sa, socket, _options.Target);
            if (_clients.TryAdd(sa.InitiatorSpi, client))
            {
                break;
            }

            sa.Dispose(); // an SPI collision among our own clients: draw again
        }

        lock (client)
        {
            client.StartTimestamp = Stopwatch.GetTimestamp();
            SendRequest(client, client.Sa.Initiate());
        }

        return true;
    }

    /// <summary>Client n's IDi: the template's, or with a certificate and no template its subject DN.</summary>
    private (string Text, IkeIdentity Identity) IdentityOf(int n)
    {
        if (_options.IdentityTemplate is null && _certificate is { } cert)
        {
            return (cert.SubjectText, cert.Subject);
        }

        string text = _options.IdentityOf(n);
        return (text, IkeIdentity.Parse(text));
    }

    private void TearDown()
    {
        Interlocked.Increment(ref _deletesOutstanding); // held until every Delete is out
        foreach (LoadClient client in _clients.Values)
        {
            lock (client)
            {
                if (client.Phase == ClientPhase.Established && client.Sa.State == IkeSaState.Established)
                {
                    client.Phase = ClientPhase.Deleting;
                    Interlocked.Increment(ref _deletesOutstanding);
                    SendRequest(client, client.Sa.InitiateDelete());
                }
            }
        }

        DeleteFinished();
    }

    private void DeleteFinished()
    {
        if (Interlocked.Decrement(ref _deletesOutstanding) == 0)
        {
            _deletesDone.TrySetResult();
        }
    }

    private LoadReport BuildReport(double setupSeconds, ProcessSample? before, ProcessSample? after, int? deleted)
    {
        int established = _counters.Established;
        long nonIke = _sockets.Sum(s => s.NonIkeDatagrams);
        if (nonIke > 0)
        {
            _counters.Drops["NON_IKE_ON_NAT_T_PORT"] = nonIke;
        }

        double? cpu = before is { } b && after is { } a ? a.CpuSeconds - b.CpuSeconds : null;
        long? rss = before is { } b2 && after is { } a2 ? a2.RssKiB - b2.RssKiB : null;
        return new LoadReport
        {
            Target = _options.Target.ToString(),
            Mode = _options.Rate is { } rate
                ? string.Create(CultureInfo.InvariantCulture, $"rate {rate}/s") + (_options.Concurrency > 0 ? $" (max {_options.Concurrency} in flight)" : "")
                : string.Create(CultureInfo.InvariantCulture, $"concurrency {_options.Concurrency}"),
            Count = _options.Count,
            Established = established,
            Failed = _counters.Failed,
            FailuresByCause = new SortedDictionary<string, int>(_counters.Failures, StringComparer.Ordinal),
            SetupSeconds = setupSeconds,
            LatencyMs = LatencySummary.From(_counters.Latencies),
            Retransmits = _counters.Retransmits,
            Drops = new SortedDictionary<string, long>(_counters.Drops, StringComparer.Ordinal),
            DistinctVirtualIps = _counters.VirtualIps.Count,
            NatTraversal = _counters.NatTraversal,
            ResponderRequestsAnswered = _counters.ResponderRequests,
            Deleted = deleted,
            ResponderCpuSeconds = cpu,
            ResponderCpuMsPerSetup = cpu is { } c && established > 0 ? c * 1000 / established : null,
            ResponderRssDeltaKiB = rss,
            ResponderRssKiBPerSa = rss is { } r && established > 0 ? (double)r / established : null,
        };
    }

    public void Dispose()
    {
        foreach (LoadClient client in _clients.Values)
        {
            lock (client)
            {
                client.Sa.Dispose();
            }
        }

        _clients.Clear();
        _sharedDh?.Dispose();
        _certificate?.Dispose();
        foreach (LoadSocket s in _sockets)
        {
            s.Dispose();
        }
    }
}
