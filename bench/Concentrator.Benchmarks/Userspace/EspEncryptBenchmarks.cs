using BenchmarkDotNet.Attributes;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>
/// Outbound ESP per packet (<see cref="EspCodec.Encapsulate(EspSa, Span{byte}, int, long, out EspDrop)"/>:
/// sequence number, IV, padding, trailer, AEAD seal or CBC+HMAC, counters) against the bare BCL call on the
/// same buffer. Run: <c>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter *EspEncrypt* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class EspEncryptBenchmarks : IDisposable
{
    private EspBenchmarkSuite _suite = null!;
    private byte[] _buffer = null!;
    private int _bodyLength;

    [Params(EspCipher.AesGcm128, EspCipher.AesGcm256, EspCipher.ChaCha20Poly1305, EspCipher.AesCbc128HmacSha256)]
    public EspCipher Cipher { get; set; }

    [Params(64, 512, 1400)]
    public int PacketBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // ESN so the 64-bit counter never hits the 2^32 limit during a long run.
        _suite = new EspBenchmarkSuite(Cipher, 128, esn: true);
        _buffer = new byte[PacketBytes + 128];
        _buffer[EspCodec.PayloadOffset(_suite.Sa)] = 0x45;
        int align = _suite.Sa.Transform.Alignment;
        _bodyLength = PacketBytes + 2 + ((align - ((PacketBytes + 2) % align)) % align);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _suite?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public void BareCipher() => _suite.BareSeal(_buffer, _bodyLength);

    [Benchmark]
    public int EspEncapsulate() => EspCodec.Encapsulate(_suite.Sa, _buffer, PacketBytes, 0, out _);
}
