namespace Concentrator.Fuzz.Actor;

internal static class ActorFuzzer
{
    public static Task<string> RunAsync(FuzzOptions options) => Task.FromResult($"actor mode not yet ({options.Inputs})");
}
