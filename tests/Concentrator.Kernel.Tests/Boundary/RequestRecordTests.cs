using System.Net;

namespace Concentrator.Kernel.Tests.Boundary;

public class RequestRecordTests
{
    private static SaRequest Sa => new(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), 0x1000, 0x40000001);

    [Fact]
    public void OutputMark_NotSetWithIfId_IsIfIdWithFullMask()
    {
        Assert.Equal(new XfrmMark(9, uint.MaxValue), (Sa with { IfId = 9 }).EffectiveOutputMark);
    }

    [Fact]
    public void OutputMark_NoIfId_None()
    {
        Assert.Null(Sa.EffectiveOutputMark);
    }

    [Fact]
    public void OutputMark_ExplicitZeroMask_Suppressed()
    {
        Assert.Null((Sa with { IfId = 9, OutputMark = new XfrmMark(0, 0) }).EffectiveOutputMark);
        Assert.Equal(new XfrmMark(5, 0xff), (Sa with { IfId = 9, OutputMark = new XfrmMark(5, 0xff) }).EffectiveOutputMark);
    }

    [Fact]
    public void Lifetime_Default_InfiniteLimitsNotZero()
    {
        var l = Sa.Lifetime;

        Assert.Equal(ulong.MaxValue, l.HardBytes);
        Assert.Equal(ulong.MaxValue, l.SoftPackets);
        Assert.Equal(0ul, l.HardAddSeconds);
        Assert.Equal(SaLifetime.Infinite, new PolicyRequest(TrafficSelector.Any(System.Net.Sockets.AddressFamily.InterNetwork), PolicyDirection.Out, []).Lifetime);
    }

    [Fact]
    public void KernelResult_NegativeNlmsgerr_PositiveErrnoAndThrows()
    {
        var r = KernelResult.FromNlmsgerr(-17, "exists");

        Assert.Equal(Errnos.EEXIST, r.Errno);
        Assert.False(r.IsSuccess);
        var ex = Assert.Throws<KernelException>(() => r.ThrowIfFailed("add policy"));
        Assert.Equal(17, ex.Errno);
        Assert.Equal("exists", ex.ExtAck);
        Assert.Equal("add policy: errno 17 (EEXIST): exists", ex.Message);
    }

    [Fact]
    public void KernelResult_ZeroError_SuccessDoesNotThrow()
    {
        var r = KernelResult.FromNlmsgerr(0, null);

        Assert.True(r.IsSuccess);
        r.ThrowIfFailed("anything");
        Assert.Equal("ok", r.ToString());
    }

    [Theory]
    [InlineData(0x3FFF_FFFFu, false)]
    [InlineData(0x4000_0000u, true)]
    [InlineData(0x7FFF_FFFFu, true)]
    [InlineData(0x8000_0000u, false)]
    [InlineData(1u, false)]
    public void Ownership_DefaultRange_OwnsOnlyItsReqids(uint reqid, bool owned)
    {
        Assert.Equal(owned, KernelOwnership.Default(1).OwnsReqid(reqid));
    }

    [Fact]
    public void Ownership_IfIds_ZeroNeverOwned()
    {
        var o = KernelOwnership.Default(1, 7);

        Assert.True(o.OwnsIfId(7));
        Assert.False(o.OwnsIfId(2));
        Assert.False(o.OwnsIfId(0));
    }

    [Fact]
    public void SaRequest_Id_CarriesIfIdAndMark()
    {
        var sa = Sa with { IfId = 3, Mark = new XfrmMark(1, 1) };

        Assert.Equal(new SaId(sa.Source, sa.Destination, 0x1000) { IfId = 3, Mark = new XfrmMark(1, 1) }, sa.Id);
    }
}
