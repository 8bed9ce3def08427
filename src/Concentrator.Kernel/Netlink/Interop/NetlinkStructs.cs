#pragma warning disable CS8981 // C names on purpose: these mirror <linux/netlink.h> and <linux/rtnetlink.h>.
using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>struct nlmsghdr (linux/netlink.h): 16 bytes in front of every netlink message, host byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct nlmsghdr
{
    public uint nlmsg_len;
    public ushort nlmsg_type;
    public ushort nlmsg_flags;
    public uint nlmsg_seq;
    public uint nlmsg_pid;
}

/// <summary>struct nlmsgerr (linux/netlink.h): payload of NLMSG_ERROR; error is a negative errno or 0 for an ack.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct nlmsgerr
{
    public int error;
    public nlmsghdr msg;
}

/// <summary>struct nlattr (linux/netlink.h): type-length header of an attribute; nla_len counts the header.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct nlattr
{
    public ushort nla_len;
    public ushort nla_type;
}

/// <summary>struct rtattr (linux/rtnetlink.h): the same layout as nlattr, rtnetlink's name for it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct rtattr
{
    public ushort rta_len;
    public ushort rta_type;
}
