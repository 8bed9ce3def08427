namespace Concentrator.Kernel.Tests.Boundary;

public class IpsecInterfaceSettingTests
{
    [Theory]
    [InlineData("no")]
    [InlineData("NO")]
    [InlineData(" no ")]
    public void Parse_No_Disabled(string value)
    {
        var s = IpsecInterfaceSetting.Parse(value);

        Assert.False(s.IsEnabled);
        Assert.Equal(0u, s.IfId);
        Assert.Null(s.InterfaceName);
        Assert.Equal(IpsecInterfaceSetting.None, s);
    }

    [Fact]
    public void Parse_Yes_Ipsec1WithIfId1()
    {
        var s = IpsecInterfaceSetting.Parse("yes");

        Assert.Equal("ipsec1", s.InterfaceName);
        Assert.Equal(1u, s.IfId);
    }

    [Theory]
    [InlineData("1", "ipsec1", 1u)]
    [InlineData("7", "ipsec7", 7u)]
    [InlineData("4294967295", "ipsec4294967295", 4294967295u)]
    public void Parse_Number_IpsecNWithIfIdN(string value, string name, uint ifId)
    {
        var s = IpsecInterfaceSetting.Parse(value);

        Assert.Equal(name, s.InterfaceName);
        Assert.Equal(ifId, s.IfId);
        Assert.Equal(value, s.ToString());
    }

    [Fact]
    public void Parse_Zero_Ipsec0MappedToIfId16384LikeLibreswan()
    {
        var s = IpsecInterfaceSetting.Parse("0");

        Assert.Equal("ipsec0", s.InterfaceName);
        Assert.Equal(16384u, s.IfId);
        Assert.True(s.ConflictsWith(IpsecInterfaceSetting.ForNumber(16384)));
        Assert.False(s.ConflictsWith(IpsecInterfaceSetting.ForNumber(1)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("maybe")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("0x10")]
    [InlineData("4294967296")]
    [InlineData("1.5")]
    public void TryParse_Invalid_FalseWithActionableError(string value)
    {
        Assert.False(IpsecInterfaceSetting.TryParse(value, out _, out var error));
        Assert.Contains("ipsec-interface", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => IpsecInterfaceSetting.Parse(value));
    }

    [Fact]
    public void InterfaceRequest_ForSetting_NameAndIfIdCarriedOver()
    {
        var r = InterfaceRequest.For(IpsecInterfaceSetting.Parse("3"), underlyingInterfaceIndex: 2);

        Assert.Equal(new InterfaceRequest("ipsec3", 3, 2), r);
        Assert.Throws<InvalidOperationException>(() => InterfaceRequest.For(IpsecInterfaceSetting.None, 2));
    }
}
