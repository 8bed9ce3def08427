namespace Concentrator.Kernel.Netlink;

/// <summary>
/// The kernel's policy hash thresholds (`ip xfrm policy set hthresh4 L R hthresh6 L R`): a policy is hashed
/// when its local prefix is at least the Local bits and its remote prefix at least the Remote bits; any other
/// policy is "inexact" and costs a list walk on every insert.
/// </summary>
public readonly record struct PolicyHashThresholds(byte V4Local, byte V4Remote, byte V6Local, byte V6Remote)
{
    /// <summary>
    /// Local 0, remote full length: road-warrior policies (local side 0.0.0.0/0 or ::/0, remote a single
    /// virtual IP) are hashed on the remote address instead of being inexact.
    /// </summary>
    public static PolicyHashThresholds RoadWarrior => new(0, 32, 0, 128);

    /// <summary>The kernel's own default (32 32 / 128 128): only host-to-host policies are hashed.</summary>
    public static PolicyHashThresholds KernelDefault => new(32, 32, 128, 128);
}

public sealed partial class NetlinkKernelIpsec
{
    /// <summary>Sets the policy hash thresholds of the managed namespace (XFRM_MSG_NEWSPDINFO); the kernel rehashes every policy.</summary>
    public ValueTask SetPolicyHashThresholdsAsync(PolicyHashThresholds thresholds, CancellationToken cancellationToken = default)
    {
        var t = thresholds;
        XfrmMessages.CheckHashThresholds(t.V4Local, t.V4Remote, t.V6Local, t.V6Remote); // here, not on the writer's thread
        var request = new NetlinkRequest(
            "XFRM_MSG_NEWSPDINFO",
            (dst, seq) => XfrmMessages.WriteSetSpdInfo(dst, seq, t.V4Local, t.V4Remote, t.V6Local, t.V6Remote),
            cancellationToken)
        {
            MaxLength = XfrmMessages.SetSpdInfoLength,
            Recovery = new NetlinkRecovery.Resend(), // idempotent: setting the same thresholds twice is harmless
        };
        return Send(XfrmWriter, request);
    }
}
