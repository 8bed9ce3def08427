using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.LoadGen.Net;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Engine;

/// <summary>The handshake path: a datagram finds its client by SPIi, goes through the client's IKE SA, and what
/// the SA answers goes out; then the client's phase moves on.</summary>
public sealed partial class LoadSwarm
{
    private void OnDatagram(LoadSocket socket, byte[] datagram, IPEndPoint from)
    {
        // Shorter than the IKE header, not IKEv2, or a Length beyond the datagram: nothing to route.
        if (!IkeHeader.TryRead(datagram, out IkeHeader header))
        {
            _counters.Drop("MALFORMED");
            return;
        }

        if (!_clients.TryGetValue(header.InitiatorSpi, out LoadClient? client))
        {
            _counters.Drop("UNKNOWN_SPI");
            return;
        }

        bool finished;
        lock (client)
        {
            try
            {
                finished = Handle(client, datagram, header.IsResponse, from);
            }
            catch (Exception ex)
            {
                // A bug or a send error must not end the receive loop shared by many clients; count it.
                _counters.Drop("ERROR_" + ex.GetType().Name);
                return;
            }
        }

        if (finished && _options.Rate is null)
        {
            StartNext();
        }
    }

    /// <summary>Runs one datagram through the client's SA; true when this ended the client's handshake.</summary>
    private bool Handle(LoadClient client, byte[] datagram, bool isResponse, IPEndPoint from)
    {
        if (client.Phase == ClientPhase.Done)
        {
            _counters.Drop("LATE");
            return false;
        }

        IkeSa sa = client.Sa;
        IkeSaResult result = sa.Process(datagram, from, client.Socket.LocalEndpoint);
        if (result.IsDropped && sa.State != IkeSaState.Failed)
        {
            _counters.Drop(result.Drop.ToString());
            return false;
        }

        if (!isResponse)
        {
            // The responder's request (liveness check, Delete, …): answer it, nothing to retransmit (RFC 7296 §2.1).
            _counters.ResponderRequest();
            Send(client, result.Outbound);
        }
        else if (client.Phase == ClientPhase.Handshake && sa.State == IkeSaState.Connecting && sa.NatDetected && !client.NatTraversal)
        {
            // RFC 7296 §2.23: with a NAT on the path the initiator moves to port 4500 right after IKE_SA_INIT,
            // and every IKE message there starts with the non-ESP marker (RFC 3948 §2.2).
            client.NatTraversal = true;
            client.Remote = _natTarget;
        }

        if (isResponse && result.Outbound.Count > 0)
        {
            SendRequest(client, result);
        }
        else if (isResponse)
        {
            _awaitingResponse.TryRemove(sa.InitiatorSpi, out _);
        }

        return Advance(client);
    }

    /// <summary>Moves the client on after its SA changed; true when its handshake ended here.</summary>
    private bool Advance(LoadClient client)
    {
        IkeSa sa = client.Sa;
        switch (client.Phase)
        {
            case ClientPhase.Handshake when sa.State == IkeSaState.Failed:
                return Fail(client, sa.FailureNotify is { } n ? FailureCause.Of(n) : FailureCause.Failed);
            case ClientPhase.Handshake when sa.State == IkeSaState.Deleted:
                return Fail(client, FailureCause.DeletedByResponder);
            case ClientPhase.Handshake when sa.State == IkeSaState.Established && sa.PendingRequest is null:
                return Established(client);
            case ClientPhase.Handshake when sa.PendingRequest is null:
                // Neither done nor waiting for anything: nothing would ever move this client again.
                return Fail(client, FailureCause.Stalled);
            case ClientPhase.Established when sa.State is IkeSaState.Deleted or IkeSaState.Failed:
                _counters.Drop(FailureCause.DeletedByResponder);
                Remove(client);
                return false;
            case ClientPhase.Deleting when sa.State == IkeSaState.Deleted || sa.PendingRequest is null:
                _counters.DeleteAnswered();
                Remove(client);
                DeleteFinished();
                return false;
            default:
                return false;
        }
    }

    private bool Established(LoadClient client)
    {
        IkeSa sa = client.Sa;
        _awaitingResponse.TryRemove(sa.InitiatorSpi, out _);
        client.Phase = ClientPhase.Established;
        string identity = IdentityOf(client.Number).Text;
        IPAddress? vip = sa.VirtualIps.Count > 0 ? sa.VirtualIps[0] : null;
        string? failure = sa.ChildSas.Count == 0
            ? FailureCause.NoChildSa + (sa.ChildFailureNotify is { } n ? "_" + FailureCause.Of(n) : "")
            : _options.RequestVirtualIp && vip is null ? FailureCause.NoVirtualIp : null;
        _counters.Outcomes.Enqueue(new ClientOutcome(client.Number, identity, vip, failure));
        // The IKE SA stays (teardown deletes it) even when its CHILD SA or address failed: the responder holds it.
        bool last = failure is null
            ? _counters.Succeeded(Stopwatch.GetElapsedTime(client.StartTimestamp).TotalMilliseconds, vip, client.NatTraversal)
            : _counters.FailedWith(failure);
        if (last)
        {
            _handshakesDone.TrySetResult();
        }

        return true;
    }

    private bool Fail(LoadClient client, string cause)
    {
        _counters.Outcomes.Enqueue(new ClientOutcome(client.Number, IdentityOf(client.Number).Text, null, cause));
        Remove(client);
        if (_counters.FailedWith(cause))
        {
            _handshakesDone.TrySetResult();
        }

        return true;
    }

    private void Remove(LoadClient client)
    {
        client.Phase = ClientPhase.Done;
        _awaitingResponse.TryRemove(client.Sa.InitiatorSpi, out _);
        _clients.TryRemove(client.Sa.InitiatorSpi, out _);
        client.Sa.Dispose();
    }

    /// <summary>Sends a new request and arms its retransmission timer.</summary>
    private void SendRequest(LoadClient client, IkeSaResult result)
    {
        if (result.Outbound.Count == 0)
        {
            return;
        }

        client.Tries = 0;
        client.RetransmitAt = Stopwatch.GetTimestamp() + (long)(_options.RetransmitTimeout.TotalSeconds * Stopwatch.Frequency);
        _awaitingResponse[client.Sa.InitiatorSpi] = client;
        Send(client, result.Outbound);
    }

    private void Send(LoadClient client, IReadOnlyList<byte[]> datagrams)
    {
        foreach (byte[] d in datagrams)
        {
            try
            {
                client.Socket.Send(d, client.Remote, client.NatTraversal);
            }
            catch (SocketException ex)
            {
                // Lost like a dropped datagram: the retransmission timer tries again.
                _counters.Drop("SEND_" + ex.SocketErrorCode);
            }
        }
    }
}
