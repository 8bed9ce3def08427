using System.Globalization;

namespace Concentrator.Fuzz;

internal sealed record FuzzOptions(string Mode, long Inputs, int Seed, string? Out, int HeldSas, bool AvoidKnown = false)
{
    public const string Usage = """
        concentrator-fuzz [--mode fast|actor] [--inputs N] [--seed S] [--out DIR] [--held N]
          --mode fast    mutated datagrams through DatagramClassifier into IkeSa objects in process (default)
          --mode actor   mutated datagrams over UDP to an in-process ConcentratorNode holding --held real SAs
          --inputs N     inputs to run (default 1,000,000 fast, 200,000 actor)
          --seed S       seed of the mutations (default 1)
          --out DIR      also write report.txt there
          --held N       actor mode: SAs of real initiators the node holds (default 8)
          --avoid-known  actor mode: send held SAs no input of the two known pre-ICV bugs (SKF total > 64, no SK)
        """;

    public static FuzzOptions? Parse(string[] args)
    {
        var options = new FuzzOptions("fast", -1, 1, null, 8);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--avoid-known")
            {
                options = options with { AvoidKnown = true };
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : "";
            options = args[i] switch
            {
                "--mode" => options with { Mode = value },
                "--inputs" => options with { Inputs = long.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => options with { Out = value },
                "--held" => options with { HeldSas = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => null!,
            };
            if (options is null || options.Mode is not ("fast" or "actor"))
            {
                return null;
            }

            i++;
        }

        return options.Inputs >= 0 ? options : options with { Inputs = options.Mode == "fast" ? 1_000_000 : 200_000 };
    }
}
