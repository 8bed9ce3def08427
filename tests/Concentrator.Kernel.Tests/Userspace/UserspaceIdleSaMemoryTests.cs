using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// What an idle SA of the userspace dataplane keeps (issue 13: memory per held SA): its AEAD cipher (an OpenSSL
/// context) is made on the first packet, and an SA is in one identity table, not two. Each keeps the behaviour
/// the eager cipher and the table of all SAs had.
/// </summary>
public class UserspaceIdleSaMemoryTests
{
    private static readonly byte[] Key = Hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");

    private static UserspaceKernelIpsec NewKernel() => new(new UserspaceIpsecOptions { UdpEndPoint = null, LocalAddresses = [Left] });

    private static SaRequest Out(uint spi, uint reqid, string peer) =>
        new(Left, IPAddress.Parse(peer), spi, reqid) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 };

    private static SaRequest In(uint spi, uint reqid, string peer) =>
        new(IPAddress.Parse(peer), Left, spi, reqid) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AeadTransform_FirstSealMakesCipher_RoundTripsWithAnotherInstance(bool chaCha)
    {
        var kind = chaCha ? AeadKind.ChaCha20Poly1305 : AeadKind.AesGcm;
        var keyWithSalt = Hex(string.Concat(Enumerable.Repeat("0f1e2d3c", 8)) + "01020304");
        using var sealer = new AeadEspTransform(kind, keyWithSalt, 16);
        using var opener = new AeadEspTransform(kind, keyWithSalt, 16);
        var packet = new byte[8 + 8 + 32 + 16];
        EspHeader(0x1234, 1).CopyTo(packet, 0);
        sealer.WriteIv(packet.AsSpan(8, 8), 1);
        packet.AsSpan(16, 32).Fill(0x5a);
        bool idleBefore = !sealer.HasCipher && !opener.HasCipher;

        sealer.Seal(packet, 32, 0, esn: false);
        bool sealerMade = sealer.HasCipher;
        bool opened = opener.Open(packet, 32, 0, esn: false);

        Assert.True(idleBefore);
        Assert.True(sealerMade);
        Assert.True(opened);
        Assert.True(opener.HasCipher);
        Assert.All(packet[16..48], b => Assert.Equal(0x5a, b));
    }

    [Fact]
    public void AeadTransform_DisposedBeforeFirstPacket_RefusesToSeal()
    {
        var t = new AeadEspTransform(AeadKind.AesGcm, Key, 16);
        t.Dispose();

        Assert.Throws<ObjectDisposedException>(() => t.Seal(new byte[8 + 8 + 16 + 16], 16, 0, esn: false));
        Assert.False(t.HasCipher);
    }

    [Fact]
    public async Task AddSa_IdleSas_HoldNoCipher()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(In(0x5000, 50, "192.0.2.50"));
        await k.AddSaAsync(Out(0x6000, 50, "192.0.2.50"));

        Assert.All(k.Dataplane.Sas.All, sa => Assert.False(((AeadEspTransform)sa.Transform).HasCipher));
    }

    [Fact]
    public async Task InboundAndOutboundSa_SameSpi_EachFoundAndRemovedByItsOwnIdentity()
    {
        await using var k = NewKernel();
        // Our inbound SPI and a peer's outbound SPI may coincide: different identities (destination), both kept.
        await k.AddSaAsync(In(0x7000, 70, "192.0.2.70"));
        await k.AddSaAsync(Out(0x7000, 71, "192.0.2.71"));
        int both = k.Dataplane.Sas.Count;
        var inbound = k.Dataplane.Sas.Find(In(0x7000, 70, "192.0.2.70").Id);
        var outbound = k.Dataplane.Sas.Find(Out(0x7000, 71, "192.0.2.71").Id);
        bool inboundIsInbound = k.Dataplane.Sas.IsInbound(inbound!);
        bool outboundIsInbound = k.Dataplane.Sas.IsInbound(outbound!);

        await k.DeleteSaAsync(In(0x7000, 70, "192.0.2.70").Id);
        var outboundAfter = k.Dataplane.Sas.Find(Out(0x7000, 71, "192.0.2.71").Id);
        var inboundAfter = k.Dataplane.Sas.Find(In(0x7000, 70, "192.0.2.70").Id);
        var lookupAfter = k.Dataplane.Sas.LookupInbound(0x7000);

        Assert.Equal(2, both);
        Assert.NotNull(inbound);
        Assert.NotNull(outbound);
        Assert.NotSame(inbound, outbound);
        Assert.True(inboundIsInbound);
        Assert.False(outboundIsInbound);
        Assert.Same(outbound, outboundAfter);
        Assert.Null(inboundAfter);
        Assert.Null(lookupAfter);
        Assert.Equal(1, k.Dataplane.Sas.Count);
    }

    [Fact]
    public async Task AddSa_SameIdentityTwice_SecondRefusedWithEexist()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(In(0x8000, 80, "192.0.2.80"));
        await k.AddSaAsync(Out(0x8001, 80, "192.0.2.80"));

        var inbound = await Assert.ThrowsAsync<KernelException>(() => k.AddSaAsync(In(0x8000, 81, "192.0.2.80")).AsTask());
        var outbound = await Assert.ThrowsAsync<KernelException>(() => k.AddSaAsync(Out(0x8001, 81, "192.0.2.80")).AsTask());

        Assert.Equal(Errnos.EEXIST, inbound.Errno);
        Assert.Equal(Errnos.EEXIST, outbound.Errno);
        Assert.Equal(2, k.Dataplane.Sas.Count);
    }
}
