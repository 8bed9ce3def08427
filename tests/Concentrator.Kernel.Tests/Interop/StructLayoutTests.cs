using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Tests.Interop;

/// <summary>Every wire struct and constant in Netlink/Interop equals the kernel's uapi header, as gcc sees it.</summary>
public class StructLayoutTests
{
    public static TheoryData<string> StructNames => new(UapiHeaderProbe.Structs().Select(t => t.Name));

    [Fact]
    public void Interop_Structs_CoverTheBrief()
    {
        string[] required =
        [
            "nlmsghdr", "nlmsgerr", "nlattr", "rtattr", "xfrm_id", "xfrm_selector", "xfrm_lifetime_cfg", "xfrm_lifetime_cur",
            "xfrm_usersa_info", "xfrm_usersa_id", "xfrm_userpolicy_info", "xfrm_userpolicy_id", "xfrm_user_tmpl",
            "xfrm_userspi_info", "xfrm_algo", "xfrm_algo_aead", "xfrm_algo_auth", "xfrm_encap_tmpl", "xfrm_replay_state_esn",
            "xfrm_mark", "xfrm_usersa_flush", "xfrm_user_expire", "xfrm_user_polexpire", "xfrm_user_acquire",
            "ifinfomsg", "ifaddrmsg", "rtmsg", "fib_rule_hdr", "xfrm_address_t", "xfrmu_spdhthresh",
        ];
        Assert.Empty(required.Except(UapiHeaderProbe.Structs().Select(t => t.Name)));
    }

    [Theory]
    [MemberData(nameof(StructNames))]
    public void Struct_ComparedWithUapiHeader_SameSizeAndOffsets(string name)
    {
        var t = UapiHeaderProbe.Structs().Single(s => s.Name == name);
        var c = UapiHeaderProbe.CValues;

        Assert.Equal(c["sizeof " + name], Marshal.SizeOf(t));
        Assert.Equal(c["sizeof " + name], UapiHeaderProbe.ManagedSize(t));
        foreach (var f in UapiHeaderProbe.Fields(t))
        {
            Assert.True(c["offsetof " + name + "." + f.Name] == UapiHeaderProbe.MarshalOffset(t, f),
                $"{name}.{f.Name}: C offset {c["offsetof " + name + "." + f.Name]}, ours {UapiHeaderProbe.MarshalOffset(t, f)}");
        }
    }

    [Fact]
    public void Constants_ComparedWithUapiHeaders_SameValues()
    {
        var wrong = UapiHeaderProbe.Constants()
            .Where(f => UapiHeaderProbe.AsFieldWidth(UapiHeaderProbe.CValues["const " + f.Name], f) != UapiHeaderProbe.ConstantValue(f))
            .Select(f => $"{f.Name}: C {UapiHeaderProbe.CValues["const " + f.Name]}, ours {UapiHeaderProbe.ConstantValue(f)}")
            .ToList();
        Assert.Empty(wrong);
        Assert.True(UapiHeaderProbe.Constants().Count() > 80);
    }
}
