using System.Net;
using System.Reflection;
using Concentrator.Ike.Sa;

namespace Concentrator.Fuzz.Fast;

/// <summary>
/// What an unauthenticated input must not change on an SA: its state, the Message ID window (the next request ID it
/// expects), virtual IPs, CHILD SAs (by SPI), endpoints and whether it was rekeyed.
/// </summary>
internal readonly record struct SaSnapshot(IkeSaState State, long Window, int VirtualIps, int ChildSas, int ChildCount,
    IPEndPoint Local, IPEndPoint Remote, bool Rekeyed)
{
    // The window is private to IkeSa; read it by name, and say so (-1) if a refactoring renamed it.
    private static readonly FieldInfo? WindowField =
        typeof(IkeSa).GetField("_expectedRequestId", BindingFlags.Instance | BindingFlags.NonPublic);

    public static bool WindowVisible => WindowField is not null;

    public static SaSnapshot Of(IkeSa sa)
    {
        var vips = new HashCode();
        foreach (IPAddress address in sa.VirtualIps)
        {
            vips.Add(address);
        }

        var children = new HashCode();
        foreach (ChildSa child in sa.ChildSas)
        {
            children.Add(child.InboundSpi);
            children.Add(child.OutboundSpi);
        }

        long window = WindowField?.GetValue(sa) is uint id ? id : -1;
        return new SaSnapshot(sa.State, window, vips.ToHashCode(), children.ToHashCode(), sa.ChildSas.Count,
            sa.LocalEndpoint, sa.RemoteEndpoint, sa.RekeyedTo is not null);
    }

    /// <summary>The fields that differ, as a stable finding kind ("State Established->Failed, Window").</summary>
    public string Diff(SaSnapshot after)
    {
        var parts = new List<string>();
        if (State != after.State)
        {
            parts.Add($"State {State}->{after.State}");
        }

        if (Window != after.Window)
        {
            parts.Add("Window");
        }

        if (VirtualIps != after.VirtualIps)
        {
            parts.Add("VirtualIps");
        }

        if (ChildSas != after.ChildSas || ChildCount != after.ChildCount)
        {
            parts.Add("ChildSas");
        }

        if (!Equals(Local, after.Local) || !Equals(Remote, after.Remote))
        {
            parts.Add("Endpoints");
        }

        if (Rekeyed != after.Rekeyed)
        {
            parts.Add("Rekeyed");
        }

        return string.Join(", ", parts);
    }
}
