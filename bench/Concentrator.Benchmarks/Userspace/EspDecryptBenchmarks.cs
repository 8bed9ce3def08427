using BenchmarkDotNet.Attributes;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>
/// Inbound ESP per packet (<see cref="EspCodec.DecapsulateTunnel"/>: SPI/sequence, replay check and update,
/// ICV, decryption, padding and next-header checks, inner-header parse, counters) against the bare BCL
/// decryption of the same buffer. Both first restore the ciphertext (decryption is in place), a copy of the
/// same size in both. The SA's replay window is off so one packet can be replayed forever; the window's own
/// cost is measured by the replay tests, not here.
/// Run: <c>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter *EspDecrypt* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class EspDecryptBenchmarks : IDisposable
{
    private EspBenchmarkSuite _rx = null!;
    private byte[] _sealedEsp = null!;
    private byte[] _sealedBare = null!;
    private byte[] _work = null!;
    private int _espLength;
    private int _bodyLength;

    [Params(EspCipher.AesGcm128, EspCipher.AesGcm256, EspCipher.ChaCha20Poly1305, EspCipher.AesCbc128HmacSha256)]
    public EspCipher Cipher { get; set; }

    [Params(64, 512, 1400)]
    public int PacketBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rx = new EspBenchmarkSuite(Cipher, 0, esn: false);
        // The sender shares the receiver's keys: same suite object, a second SA over the same request.
        var tx = new EspSa(_rx.Request, EspTransform.Create(_rx.Request), 0);
        var inner = new byte[PacketBytes];
        inner[0] = 0x45;
        inner[2] = (byte)(PacketBytes >> 8);
        inner[3] = (byte)PacketBytes;
        inner[9] = 17;
        _sealedEsp = new byte[PacketBytes + 128];
        inner.CopyTo(_sealedEsp, EspCodec.PayloadOffset(tx));
        _espLength = EspCodec.Encapsulate(tx, _sealedEsp, PacketBytes, 0, out _);
        tx.Dispose();
        int align = _rx.Sa.Transform.Alignment;
        _bodyLength = PacketBytes + 2 + ((align - ((PacketBytes + 2) % align)) % align);
        _sealedBare = new byte[PacketBytes + 128];
        _rx.BareSeal(_sealedBare, _bodyLength);
        _work = new byte[PacketBytes + 128];
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _rx?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public bool BareCipher()
    {
        _sealedBare.AsSpan().CopyTo(_work);
        return _rx.BareOpen(_work, _bodyLength);
    }

    [Benchmark]
    public bool EspDecapsulate()
    {
        _sealedEsp.AsSpan().CopyTo(_work);
        return EspCodec.DecapsulateTunnel(_rx.Sa, _work.AsSpan(0, _espLength), 0, out _, out _, out _);
    }
}
