using System.Text;
using System.Text.RegularExpressions;

namespace Concentrator.Fuzz.Fast;

/// <summary>How to replay a finding: the target, the datagrams of the input delivered before the culprit, the culprit.</summary>
internal sealed record Repro(string Profile, Phase Phase, uint NextId, IReadOnlyList<byte[]> Before, byte[] Datagram,
    bool NatT, string Mutators, string? Detail);

/// <summary>Findings by kind (an exception type and frame, or the fields an unauthenticated input changed): a count and
/// the first input of each, so the run goes on and the report says what and how often.</summary>
internal sealed partial class Findings
{
    /// <summary>A drop or exception message with its numbers folded ("65 fragments" and "256 fragments" are one
    /// cause), so that findings group by what went wrong rather than by the mutation that got there.</summary>
    public static string Cause(string? detail) => detail is null ? "(no detail)" : Numbers().Replace(detail, "N");

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();

    private readonly Dictionary<string, (long Count, Repro First)> _byKind = [];

    public long Exceptions { get; private set; }

    public long StateChanges { get; private set; }

    public long ProbesUnanswered { get; private set; }

    public IEnumerable<KeyValuePair<string, (long Count, Repro First)>> ByKind => _byKind.OrderByDescending(k => k.Value.Count);

    public void Add(string category, string kind, Repro repro)
    {
        switch (category)
        {
            case "exception":
                Exceptions++;
                break;
            case "state":
                StateChanges++;
                break;
            default:
                ProbesUnanswered++;
                break;
        }

        string key = $"{category}: {kind}";
        _byKind[key] = _byKind.TryGetValue(key, out var known) ? (known.Count + 1, known.First) : (1, repro);
    }

    public void Merge(Findings other)
    {
        Exceptions += other.Exceptions;
        StateChanges += other.StateChanges;
        ProbesUnanswered += other.ProbesUnanswered;
        foreach ((string key, (long count, Repro first)) in other._byKind)
        {
            _byKind[key] = _byKind.TryGetValue(key, out var known) ? (known.Count + count, known.First) : (count, first);
        }
    }

    public string Describe()
    {
        var text = new StringBuilder();
        foreach ((string kind, (long count, Repro first)) in ByKind)
        {
            text.AppendLine($"  {count,10:N0}  {kind}");
            text.AppendLine($"              e.g. {first.Profile}/{first.Phase} window {first.NextId} natT={first.NatT} via {first.Mutators}: {first.Detail}");
            text.AppendLine($"              {Convert.ToHexString(first.Datagram)}");
        }

        return text.ToString();
    }
}
