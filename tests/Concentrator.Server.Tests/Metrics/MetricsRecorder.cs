using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Concentrator.Server.Metrics;

namespace Concentrator.Server.Tests.Metrics;

/// <summary>A MeterListener on one <see cref="ConcentratorMetrics"/> instance only (other tests' meters of the same
/// name, running in parallel, are not seen): the sum of the measurements of each instrument, by its tags.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _observed = new(StringComparer.Ordinal);

    public MetricsRecorder(ConcentratorMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose tags are exactly <paramref name="tags"/> ("k=v").</summary>
    public double Sum(string instrument, params string[] tags) => _sums.GetValueOrDefault(Key(instrument, tags));

    /// <summary>How many measurements <paramref name="instrument"/> recorded with exactly <paramref name="tags"/>.</summary>
    public int Count(string instrument, params string[] tags) => _counts.GetValueOrDefault(Key(instrument, tags));

    /// <summary>The value an observable instrument reports now (with exactly <paramref name="tags"/>), or null.</summary>
    public double? Observe(string instrument, params string[] tags)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        return _observed.TryGetValue(Key(instrument, tags), out var value) ? value : null;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = $"{tags[i].Key}={tags[i].Value}";
        }

        var key = Key(instrument.Name, names);
        if (instrument.IsObservable)
        {
            _observed[key] = value;
            return;
        }

        _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    private static string Key(string instrument, string[] tags) => instrument + "{" + string.Join(",", tags.Order(StringComparer.Ordinal)) + "}";
}
