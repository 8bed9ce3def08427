using Concentrator.Kernel;
using Concentrator.Server.Config;

namespace Concentrator.Server.Sa;

/// <summary>
/// The timers and kernel parameters of one IKE SA actor.
/// </summary>
/// <param name="Retransmit">Retransmission of our requests (DPD, Delete): attempt n waits timeout × base^n; after
/// <see cref="RetransmitSettings.Tries"/> retransmissions the peer is dead (strongSwan: 4 s × 1.8^n, 5 tries).</param>
/// <param name="HalfOpenTimeout">An SA not established within this long after its creation stops (strongSwan's
/// half_open_timeout is 30 s).</param>
/// <param name="DpdDelay">Send a liveness check after this long without a message from the peer (RFC 7296 §2.4);
/// zero disables it.</param>
/// <param name="DpdTimeout">A liveness check unanswered for this long declares the peer dead, even while retransmissions
/// are still due (libreswan's dpdtimeout); zero leaves it to the retransmissions running out.</param>
/// <param name="ChildRekeyAfter">A CHILD SA that the peer has not rekeyed this long after its install is rekeyed by us
/// (the states' soft lifetime); at 1.1 times this (their hard lifetime, strongSwan's default ratio) the kernel drops
/// them and we delete the CHILD SA. Zero: no lifetime.</param>
/// <param name="IkeLifetime">An IKE SA is rekeyed by the gateway this long after it was made (or last rekeyed), less up
/// to 10% at random (RFC 7296 §2.8.1 jitter), unless the peer rekeys it first; one still not rekeyed 10% after it is
/// deleted (strongSwan's rekey_time, rand_time, over_time). Zero: no limit.</param>
/// <param name="KernelTimeout">How long a CHILD SA install may take before it counts as failed.</param>
/// <param name="IfId">XFRMA_IF_ID of the CHILD SAs' states and policies (the ipsecN interface), 0 = policy-based.</param>
public sealed record IkeSaActorSettings(
    RetransmitSettings Retransmit,
    TimeSpan HalfOpenTimeout,
    TimeSpan DpdDelay,
    TimeSpan DpdTimeout,
    TimeSpan ChildRekeyAfter,
    TimeSpan IkeLifetime,
    TimeSpan KernelTimeout,
    uint IfId)
{
    private static long s_nextReqid = KernelOwnership.DefaultFirstReqid;

    public static IkeSaActorSettings Default { get; } = new(
        new RetransmitSettings(TimeSpan.FromSeconds(4), 5, 1.8),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromSeconds(150),
        TimeSpan.Zero,
        TimeSpan.Zero,
        TimeSpan.FromSeconds(10),
        0);

    /// <summary>The reqid of each new CHILD SA; the default draws from the owned range of
    /// <see cref="KernelOwnership"/>, process-wide, so no two CHILD SAs share one.</summary>
    public Func<uint> ReqidAllocator { get; init; } = NextReqid;

    /// <summary>The whole EAP conversation of IKE_AUTH (concentrator.ike.eap-timeout).</summary>
    public TimeSpan EapTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The settings for a connection of the server.</summary>
    public static IkeSaActorSettings For(ServerSettings server, ConnectionSettings connection) =>
        Default with
        {
            Retransmit = server.Retransmit,
            DpdDelay = connection.Dpd.Delay,
            DpdTimeout = connection.Dpd.Timeout,
            ChildRekeyAfter = connection.Lifetimes.Child,
            IkeLifetime = connection.Lifetimes.Ike,
            KernelTimeout = server.Kernel.InstallTimeout,
            EapTimeout = server.EapTimeout,
            IfId = connection.IpsecInterface.IsEnabled ? connection.IpsecInterface.IfId : 0,
        };

    /// <summary>The kernel lifetime of each CHILD SA state: soft at <see cref="ChildRekeyAfter"/>, hard 10% later.</summary>
    public SaLifetime? ChildLifetime
    {
        get
        {
            if (ChildRekeyAfter <= TimeSpan.Zero)
            {
                return null;
            }

            ulong soft = (ulong)Math.Ceiling(ChildRekeyAfter.TotalSeconds);
            return SaLifetime.Infinite with { SoftAddSeconds = soft, HardAddSeconds = soft + ((soft + 9) / 10) };
        }
    }

    private static uint NextReqid()
    {
        long next = Interlocked.Increment(ref s_nextReqid);
        const long span = (long)KernelOwnership.DefaultLastReqid - KernelOwnership.DefaultFirstReqid + 1;
        return (uint)(KernelOwnership.DefaultFirstReqid + ((next - KernelOwnership.DefaultFirstReqid) % span));
    }
}
