using Concentrator.Kernel.Netlink.Interop;
using static Tmds.Linux.LibC;

namespace Concentrator.Kernel.Netlink;

public sealed partial class NetlinkWriter
{
    /// <summary>Sends <paramref name="items"/> in as few sendmsg calls as the limits allow and reads every answer.</summary>
    private void Transmit(List<Pending> items)
    {
        int start = 0;
        while (start < items.Count)
        {
            int count = EncodeChunk(items, start, out int slices);
            var chunk = items.GetRange(start, count);
            start += count;
            if (slices == 0)
            {
                continue;
            }

            int error = SendWithRetry(slices);
            if (error != 0)
            {
                // netlink_sendmsg fails before the kernel sees any message: none was applied.
                foreach (var p in chunk.Where(p => p.Sent))
                {
                    p.Sent = false;
                    Resolve(new Outcome(p.Request, null, new KernelException(error, null, "sendmsg " + p.Request.Operation)));
                }

                continue;
            }

            Interlocked.Increment(ref Statistics.BatchesField);
            Interlocked.Add(ref Statistics.MessagesField, slices);
            Receive(chunk);
        }
    }

    /// <summary>Encodes from <paramref name="start"/> while the limits allow; returns how many items it consumed.</summary>
    private int EncodeChunk(List<Pending> items, int start, out int slices)
    {
        int offset = 0;
        slices = 0;
        int i = start;
        int limit = Math.Min(_batchLimit, _slices.Length);
        for (; i < items.Count && slices < limit; i++)
        {
            var p = items[i];
            if (slices > 0 && (p.IsDump || offset + p.Request.MaxLength > _sendBuffer.Length))
            {
                break;
            }

            if (p.Kind == PendingKind.Original && p.Attempt == 0 && p.Request.CancellationToken.IsCancellationRequested)
            {
                // Cancelled before it was sent: it never will be.
                Interlocked.Increment(ref Statistics.CancelledField);
                Resolve(new Outcome(p.Request, null, null));
                continue;
            }

            var dest = _sendBuffer.AsSpan(offset);
            // Sequence numbers of the sent items of a chunk are consecutive: consumed only on success.
            uint seq = _nextSequence == 0 ? 1 : _nextSequence;
            int length;
            try
            {
                length = p.Encoder(dest, seq);
                if (length < NetlinkAck.HeaderLength || length > dest.Length || NetlinkAck.Length(dest) != (uint)length)
                {
                    throw new InvalidOperationException($"{p.Request.Operation}: encoder wrote {length} bytes, header says {(dest.Length >= 4 ? NetlinkAck.Length(dest) : 0)}");
                }
            }
            catch (Exception e)
            {
                Resolve(new Outcome(p.Request, null, e));
                continue;
            }

            NetlinkAck.Stamp(dest, seq, ack: !p.IsDump);

            // Messages of one skb are walked at NLMSG_ALIGN(nlmsg_len): pad each to 4 bytes.
            int aligned = Math.Min(NetlinkAck.Align(length), dest.Length);
            dest[length..aligned].Clear();
            _nextSequence = seq + 1;
            p.Sequence = seq;
            p.Sent = true;
            _slices[slices++] = (offset, aligned);
            offset += aligned;
            if (p.IsDump)
            {
                i++;
                break;
            }
        }

        return i - start;
    }

    private int SendWithRetry(int slices)
    {
        for (int attempt = 0; ; attempt++)
        {
            int error = _socket.Send(_sendBuffer, _slices.AsSpan(0, slices));

            // ENOBUFS/ENOMEM/EAGAIN on send: the kernel could not allocate the skb right now; nothing was processed.
            if (error is 0 || attempt >= 20 || (error != ENOBUFS && error != ENOMEM && error != EAGAIN))
            {
                return error;
            }

            Thread.Sleep(1 << Math.Min(attempt, 6));
        }
    }

    /// <summary>Reads until every sent item has its answer, or until the kernel is known to have dropped some.</summary>
    private void Receive(List<Pending> chunk)
    {
        var sent = chunk.Where(p => p.Sent).ToArray();
        int outstanding = sent.Length;
        uint first = sent[0].Sequence;
        bool overflow = false;
        int timeoutMs = (int)_options.AckTimeout.TotalMilliseconds;
        bool many = _options.ReceiveMany && !sent[0].IsDump;
        while (outstanding > 0)
        {
            NetlinkReceiveStatus status;
            if (many)
            {
                // Acks are one datagram each: take up to 64 per recvmmsg.
                int n = _socket.ReceiveMany(_multiBuffer, _slot, _multiResults, out status);
                int grow = 0;
                for (int i = 0; i < n; i++)
                {
                    var r = _multiResults[i];
                    if (r.Truncated)
                    {
                        Interlocked.Increment(ref Statistics.TruncationsField);
                        grow = Math.Max(grow, r.DatagramLength);
                    }

                    outstanding -= Dispatch(_multiBuffer.AsSpan(i * _slot, r.Length), sent, first, r.Truncated);
                }

                if (grow > 0)
                {
                    _slot = NetlinkAck.Align(Math.Max(_slot * 2, grow));
                    _multiBuffer = new byte[_slot * _multiResults.Length];
                }
            }
            else
            {
                var r = _socket.Receive(_readBuffer, wait: false);
                status = r.Status;
                if (status == NetlinkReceiveStatus.Data)
                {
                    if (r.Truncated)
                    {
                        Interlocked.Increment(ref Statistics.TruncationsField);
                        _readBuffer = new byte[Math.Max(_readBuffer.Length * 2, NetlinkAck.Align(r.DatagramLength) + 4096)];
                    }

                    outstanding -= Dispatch(_readBuffer.AsSpan(0, r.Length), sent, first, r.Truncated);
                }
            }

            switch (status)
            {
                case NetlinkReceiveStatus.Data:
                    break;

                case NetlinkReceiveStatus.Overflow:
                    // Every ack the kernel could queue is still readable; the rest is gone. Read on, then recover.
                    overflow = true;
                    OnOverflow();
                    break;

                default:
                    // The kernel answers inside sendmsg, so an empty queue after an overflow means the rest was dropped.
                    // Without one, wait a little (dump chunks are made as we read, and a netns may be slow).
                    if (overflow)
                    {
                        return;
                    }

                    if (!_socket.WaitReadable(timeoutMs))
                    {
                        Interlocked.Increment(ref Statistics.TimeoutsField);
                        return;
                    }

                    break;
            }
        }
    }

    private void OnOverflow()
    {
        Interlocked.Increment(ref Statistics.OverflowsField);
        _overflowInBatch = true;
        if (_options.AdaptBatchOnOverflow)
        {
            Volatile.Write(ref _batchLimit, Math.Max(1, _batchLimit / 2));
        }
    }

    /// <summary>Routes every message of one datagram to its request by sequence number; returns how many requests it finished.</summary>
    private int Dispatch(ReadOnlySpan<byte> datagram, Pending[] sent, uint first, bool truncated)
    {
        int finished = 0;
        while (datagram.Length >= NetlinkAck.HeaderLength)
        {
            uint length = NetlinkAck.Length(datagram);
            uint index = unchecked(NetlinkAck.Sequence(datagram) - first);
            var p = index < (uint)sent.Length ? sent[index] : null;
            if (length < NetlinkAck.HeaderLength || length > datagram.Length)
            {
                // The datagram was cut (MSG_TRUNC): this message and any after it are lost.
                if (truncated && p is not null)
                {
                    p.Damaged = true;
                }

                break;
            }

            var message = datagram[..(int)length];
            if (p is null || p.Answered)
            {
                Interlocked.Increment(ref Statistics.StaleField);
            }
            else
            {
                finished += Handle(p, message) ? 1 : 0;
            }

            int step = NetlinkAck.Align((int)length);
            datagram = step >= datagram.Length ? default : datagram[step..];
        }

        if (truncated)
        {
            // A dump whose chunk was cut will be re-run once its NLMSG_DONE has arrived.
            foreach (var p in sent.Where(p => p.IsDump))
            {
                p.Damaged = true;
            }
        }

        return finished;
    }

    /// <summary>Applies one message to its request; true when that finished the request.</summary>
    private static bool Handle(Pending p, ReadOnlySpan<byte> message)
    {
        switch (NetlinkAck.Type(message))
        {
            case NetlinkConstants.NLMSG_ERROR:
                var result = NetlinkAck.ReadError(message);
                if (p.IsDump && result.IsSuccess)
                {
                    return false;
                }

                return Finish(p, result);

            case NetlinkConstants.NLMSG_DONE:
                return p.IsDump && Finish(p, NetlinkAck.ReadError(message));

            case NetlinkConstants.NLMSG_NOOP:
            case NetlinkConstants.NLMSG_OVERRUN:
                return false;

            default:
                (p.Data ??= []).Add(message.ToArray());
                return false;
        }
    }

    private static bool Finish(Pending p, KernelResult result)
    {
        p.Result = result;
        p.Answered = true;
        return true;
    }
}
