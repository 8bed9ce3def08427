using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Ike;

namespace Concentrator.Server.Network;

// The receive side: runs on the thread pool, one loop per socket; touches only the socket, the SPI table,
// the counters (atomics) and actor references.
public sealed partial class IkeSocketActor
{
    private async Task ReceiveLoop(BoundSocket bound, IActorRef self, CancellationToken stop)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(65535);
        EndPoint any = bound.Local.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await bound.Socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // An ICMP error for an earlier send, or a datagram too large: nothing to hand on.
                continue;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return;
            }

            Handle(bound, buffer.AsSpan(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, self);
        }
    }

    private void Handle(BoundSocket bound, ReadOnlySpan<byte> datagram, IPEndPoint remote, IActorRef self)
    {
        _counters.Count(ref _counters.Received);
        switch (DatagramClassifier.Classify(datagram, bound.NatT, out var header, out var range))
        {
            case DatagramKind.Keepalive:
                _counters.Count(ref _counters.Keepalives);
                return;
            case DatagramKind.Esp:
                // The kernel takes ESP-in-UDP before it reaches this socket once UDP_ENCAP is set on it; until
                // then (or on the userspace dataplane, which has its own path) it is counted and dropped.
                _counters.Count(ref _counters.Esp);
                return;
            case DatagramKind.Malformed:
                _counters.Count(ref _counters.Malformed);
                _options.Drops.Count(DatagramDrop.Malformed);
                return;
        }

        var message = new IkeDatagram(bound.Local, remote, bound.NatT, header, datagram[range].ToArray(), self);
        var ours = header.ReceiverSpi;
        if (ours == 0)
        {
            // RFC 7296 section 2.6: only the first request of an IKE SA (IKE_SA_INIT from the initiator) has a zero
            // responder SPI. A retransmission of it has one too: the dispatcher recognises those by SPIi + peer.
            if (header.ExchangeType == ExchangeType.IkeSaInit && header.IsFromInitiator && !header.IsResponse)
            {
                if (!_options.Drops.TryEnqueueNewSa(_options.NewSaBacklog))
                {
                    _options.Drops.Count(DatagramDrop.Backlog);
                    return;
                }

                _counters.Count(ref _counters.NewSa);
                _dispatcher.Tell(new NewSa(message));
                return;
            }

            _counters.Count(ref _counters.Malformed);
            _options.Drops.Count(DatagramDrop.Malformed);
            return;
        }

        if (_spis.TryGet(ours, out var sa))
        {
            _counters.Count(ref _counters.ToSa);
            sa.Tell(message);
            return;
        }

        // RFC 7296 section 2.21.4: a request outside any IKE SA we know (a client of the gateway before it restarted)
        // MAY be answered with INVALID_IKE_SPI. The answer is unauthenticated and the request spoofable, so answers
        // are rate-limited node-wide (a reflection costs the attacker one datagram per answer, never more) and no
        // state is created; responses are never answered (InvalidSpiNotify.For).
        _counters.Count(ref _counters.UnknownSpi);
        _options.Drops.Count(DatagramDrop.UnknownSpi);
        if (!header.IsResponse && _invalidSpiAnswers.TryTake() && InvalidSpiNotify.For(header) is { } answer)
        {
            _options.Drops.CountInvalidSpiAnswer();
            self.Tell(new SendIke(bound.Local, remote, answer));
        }
    }

    private sealed class Counters
    {
#pragma warning disable SA1401, CA1805 // fields so Interlocked can take them by reference
        public long Received;
        public long ToSa;
        public long NewSa;
        public long UnknownSpi;
        public long Malformed;
        public long Keepalives;
        public long Esp;
        public long Sent;
        public long SendFailures;
        public long LastSendLog = -1_000_000;
#pragma warning restore SA1401, CA1805

        public void Count(ref long counter) => Interlocked.Increment(ref counter);

        public SocketStats Snapshot(IReadOnlyList<BoundEndpoint> bound) => new(
            bound,
            Interlocked.Read(ref Received),
            Interlocked.Read(ref ToSa),
            Interlocked.Read(ref NewSa),
            Interlocked.Read(ref UnknownSpi),
            Interlocked.Read(ref Malformed),
            Interlocked.Read(ref Keepalives),
            Interlocked.Read(ref Esp),
            Interlocked.Read(ref Sent));
    }
}
