using System.Diagnostics;
using System.Text;
using Concentrator.Fuzz;
using Concentrator.Fuzz.Actor;
using Concentrator.Fuzz.Fast;

FuzzOptions? options = FuzzOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(FuzzOptions.Usage);
    return 2;
}

string report = options.Mode == "fast" ? RunFast(options) : await ActorFuzzer.RunAsync(options);
Console.WriteLine(report);
if (options.Out is not null)
{
    Directory.CreateDirectory(options.Out);
    await File.WriteAllTextAsync(Path.Combine(options.Out, $"report-{options.Mode}-seed{options.Seed}.txt"), report);
}

return report.Contains("VERDICT pass", StringComparison.Ordinal) ? 0 : 1;

static string RunFast(FuzzOptions options)
{
    using var fuzzer = new FastFuzzer(options.Seed);
    var clock = Stopwatch.StartNew();
    TimeSpan nextProgress = TimeSpan.FromSeconds(10);
    for (long i = 0; i < options.Inputs; i++)
    {
        fuzzer.RunOne();
        if ((i & 0xFFF) == 0 && clock.Elapsed >= nextProgress)
        {
            nextProgress += TimeSpan.FromSeconds(10);
            Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F0}s] {fuzzer.Inputs:N0} inputs, {fuzzer.Inputs / clock.Elapsed.TotalSeconds:N0}/s, " +
                $"exceptions {fuzzer.Findings.Exceptions}, unauthenticated state changes {fuzzer.Findings.StateChanges}, rebuilds {fuzzer.Rebuilds:N0}");
        }
    }

    double seconds = clock.Elapsed.TotalSeconds;
    var text = new StringBuilder();
    text.AppendLine($"mode fast, seed {options.Seed}, profiles {string.Join(", ", fuzzer.Corpora.Select(c => $"{c.Profile.Name} (IKE_AUTH in {c.AuthRequests.Count} datagram(s), {c.Established.Count} templates)"))}");
    text.AppendLine($"inputs {fuzzer.Inputs:N0} ({fuzzer.Datagrams:N0} datagrams) in {seconds:F1} s = {fuzzer.Inputs / seconds:N0} inputs/s");
    text.AppendLine($"authenticated datagrams (sealed with the SA's keys, after any mutation of the plaintext) {fuzzer.Authenticated:N0}; SA rebuilds {fuzzer.Rebuilds:N0}");
    text.AppendLine("time by target: " + string.Join(", ", Enum.GetValues<Phase>().Select(p =>
        $"{p} {fuzzer.Ticks[(int)p] / (double)Stopwatch.Frequency:F1} s")));
    text.AppendLine($"message-ID window observed: {SaSnapshot.WindowVisible}");
    text.AppendLine("outcomes:");
    foreach ((string outcome, long count) in fuzzer.Outcomes.OrderByDescending(o => o.Value))
    {
        text.AppendLine($"  {count,12:N0}  {outcome}");
    }

    Findings findings = fuzzer.Findings;
    text.AppendLine($"exceptions escaping Process: {findings.Exceptions}");
    text.AppendLine($"state changes by unauthenticated datagrams: {findings.StateChanges}");
    text.AppendLine($"established SAs not answering the DPD probe: {findings.ProbesUnanswered}");
    text.Append(findings.Describe());
    bool pass = findings.Exceptions == 0 && findings.StateChanges == 0 && findings.ProbesUnanswered == 0;
    text.AppendLine($"VERDICT {(pass ? "pass" : "FAIL")}");
    return text.ToString();
}
