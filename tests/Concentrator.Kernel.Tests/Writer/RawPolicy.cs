using System.Buffers.Binary;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Writer;

/// <summary>
/// Hand-laid XFRM policy messages for the writer tests, independent of the production encoders so that the
/// writer is tested on its own: policy i selects 10.a.b.c/32 (i spread over a.b.c) → 0.0.0.0/0, dir out,
/// XFRMA_IF_ID 7, no template. Offsets follow linux/xfrm.h on x86-64: xfrm_selector at 16 (56 bytes),
/// lifetime_cfg at 72, lifetime_cur at 136, priority 168, index 172, dir 176, action 177 (sizeof 168).
/// </summary>
internal static class RawPolicy
{
    public const uint IfId = 7;
    private const ushort NewPolicy = 0x13;
    private const ushort DelPolicy = 0x14;
    private const ushort GetPolicy = 0x15;
    private const ushort NLM_F_CREATE = 0x400;
    private const ushort NLM_F_EXCL = 0x200;
    private const ushort XFRMA_IF_ID = 31;

    public static NetlinkRequest Add(int i, uint priority = 100, Action? onEncode = null, CancellationToken ct = default) =>
        new("XFRM_MSG_NEWPOLICY", (dest, _) =>
        {
            onEncode?.Invoke();
            return WriteAdd(dest, i, priority);
        }, ct)
        {
            MaxLength = 192,
            ConflictKey = ("policy", i),
            Recovery = new NetlinkRecovery.Probe(
                (dest, _) => WriteId(dest, GetPolicy, 0, i),
                (result, data) => result.IsSuccess && data.Count == 1 && Priority(data[0]) == priority),
        };

    public static NetlinkRequest Delete(int i, CancellationToken ct = default) =>
        new("XFRM_MSG_DELPOLICY", (dest, _) => WriteId(dest, DelPolicy, 0, i), ct)
        {
            MaxLength = 88,
            ConflictKey = ("policy", i),
            Recovery = new NetlinkRecovery.Resend(AlreadyDone: new HashSet<int> { Errnos.ENOENT }),
        };

    public static NetlinkRequest Get(int i) =>
        new("XFRM_MSG_GETPOLICY", (dest, _) => WriteId(dest, GetPolicy, 0, i)) { MaxLength = 88, Recovery = new NetlinkRecovery.Resend() };

    public static NetlinkRequest Dump() =>
        new("XFRM_MSG_GETPOLICY dump", (dest, _) =>
        {
            Header(dest, 16, GetPolicy, 0x300);
            return 16;
        })
        { IsDump = true, MaxLength = 16 };

    /// <summary>The selector source of a policy message (NEWPOLICY reply/dump), as the index i it was made from.</summary>
    public static int IndexOf(byte[] message) => (message[16 + 16 + 1] << 16) | (message[16 + 16 + 2] << 8) | message[16 + 16 + 3];

    public static uint Priority(byte[] message) => BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(16 + 152));

    public static string Source(int i) => $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";

    private static int WriteAdd(Span<byte> m, int i, uint priority)
    {
        const int length = 16 + 168 + 8;
        m[..length].Clear();
        Header(m, length, NewPolicy, NLM_F_CREATE | NLM_F_EXCL);
        Selector(m[16..], i);
        var lft = m[72..];
        for (int k = 0; k < 4; k++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(lft[(k * 8)..], ulong.MaxValue);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(m[168..], priority);
        m[176] = 1; // XFRM_POLICY_OUT
        IfIdAttribute(m[184..]);
        return length;
    }

    private static int WriteId(Span<byte> m, ushort type, ushort flags, int i)
    {
        const int length = 16 + 64 + 8;
        m[..length].Clear();
        Header(m, length, type, flags);
        Selector(m[16..], i);
        m[16 + 60] = 1; // dir out
        IfIdAttribute(m[80..]);
        return length;
    }

    private static void Selector(Span<byte> sel, int i)
    {
        // daddr 0.0.0.0/0 (bytes 0..16 stay zero), saddr 10.a.b.c/32.
        sel[16] = 10;
        sel[17] = (byte)(i >> 16);
        sel[18] = (byte)(i >> 8);
        sel[19] = (byte)i;
        BinaryPrimitives.WriteUInt16LittleEndian(sel[40..], 2); // AF_INET
        sel[42] = 0;  // prefixlen_d
        sel[43] = 32; // prefixlen_s
    }

    private static void IfIdAttribute(Span<byte> a)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(a, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(a[2..], XFRMA_IF_ID);
        BinaryPrimitives.WriteUInt32LittleEndian(a[4..], IfId);
    }

    private static void Header(Span<byte> m, int length, ushort type, ushort flags)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(m[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(m[6..], flags);
    }
}
