using Concentrator.Ike.Crypto;

namespace Concentrator.Fuzz.Corpus;

/// <summary>Seeded octets: a responder built with the same seed draws the same SPI, nonce and CHILD SPIs, so replaying
/// the captured requests into it yields the very SA of the capture, keys included.</summary>
internal sealed class FixedRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}

/// <summary>A clock that never moves: the pure SA has no timers, the harness needs none.</summary>
internal sealed class FrozenTime : TimeProvider
{
    public static readonly FrozenTime Instance = new();

    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}
