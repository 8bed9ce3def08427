using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>Where IVs (and other public random octets) come from. Injected so that tests are deterministic;
/// production code uses <see cref="SystemRandomSource.Instance"/>.</summary>
public interface IRandomSource
{
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's CSPRNG through <see cref="RandomNumberGenerator"/>.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static SystemRandomSource Instance { get; } = new();

    private SystemRandomSource() { }

    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
