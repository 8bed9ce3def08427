using System.Diagnostics;
using System.Globalization;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Engine;

/// <summary>The one timer loop: starts clients in rate mode, retransmits with backoff, times out, and prints
/// the progress line.</summary>
public sealed partial class LoadSwarm
{
    private long _lastProgress;
    private int _establishedAtLastProgress;

    private async Task TimerLoopAsync(CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(Tick);
        _lastProgress = Stopwatch.GetTimestamp();
        try
        {
            do
            {
                StartDue();
                Retransmit(Stopwatch.GetTimestamp());
                PrintProgress(force: false);
            }
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Rate mode: start as many clients as the elapsed time allows (and the in-flight bound).</summary>
    private void StartDue()
    {
        if (_options.Rate is not { } rate)
        {
            return;
        }

        int due = (int)Math.Min(_options.Count, (Stopwatch.GetElapsedTime(_setupStart).TotalSeconds * rate) + 1);
        while (_counters.Started < due && (_options.Concurrency <= 0 || _counters.InFlight < _options.Concurrency) && StartNext())
        {
        }
    }

    private void Retransmit(long now)
    {
        foreach (LoadClient client in _awaitingResponse.Values)
        {
            bool finished = false;
            lock (client)
            {
                if (client.Phase == ClientPhase.Done || client.Sa.PendingRequest is not { } pending || now < client.RetransmitAt)
                {
                    continue;
                }

                if (client.Tries >= _options.RetransmitTries)
                {
                    finished = GiveUp(client, IkeHeader.Read(pending[0]).ExchangeType);
                }
                else
                {
                    // RFC 7296 §2.1: the request is sent again unchanged, with growing intervals.
                    client.Tries++;
                    double wait = _options.RetransmitTimeout.TotalSeconds * Math.Pow(_options.RetransmitBase, client.Tries);
                    client.RetransmitAt = now + (long)(wait * Stopwatch.Frequency);
                    _counters.Retransmitted();
                    Send(client, pending);
                }
            }

            if (finished && _options.Rate is null)
            {
                StartNext();
            }
        }
    }

    /// <summary>No response after the last retransmission; true when this ended a handshake.</summary>
    private bool GiveUp(LoadClient client, ExchangeType exchange)
    {
        if (client.Phase == ClientPhase.Deleting)
        {
            _counters.Drop("TIMEOUT_DELETE");
            Remove(client);
            DeleteFinished();
            return false;
        }

        if (client.Phase == ClientPhase.Handshake)
        {
            return Fail(client, FailureCause.Timeout(exchange));
        }

        _awaitingResponse.TryRemove(client.Sa.InitiatorSpi, out _);
        return false;
    }

    private void PrintProgress(bool force)
    {
        if (_progress is null || _options.ProgressInterval <= TimeSpan.Zero)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        TimeSpan since = Stopwatch.GetElapsedTime(_lastProgress, now);
        if (!force && since < _options.ProgressInterval)
        {
            return;
        }

        int established = _counters.Established;
        double rate = since.TotalSeconds > 0 ? (established - _establishedAtLastProgress) / since.TotalSeconds : 0;
        _lastProgress = now;
        _establishedAtLastProgress = established;
        string failures = _counters.Failed > 0 ? $" ({_counters.FailureSummary()})" : "";
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{Stopwatch.GetElapsedTime(_setupStart).TotalSeconds,6:F1}s] established {established}  failed {_counters.Failed}{failures}  in flight {_counters.InFlight}  rate {rate:F1}/s"));
    }
}
