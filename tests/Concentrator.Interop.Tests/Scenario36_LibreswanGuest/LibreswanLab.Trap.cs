using System.Globalization;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

// The gateway's trap towards libreswan: libreswan's conn sitetrap only answers (auto=add), subnet to subnet (the
// gateway's LAN 198.51.100.0/24 === the site's 10.39.0.0/24, 10.39.0.1 on the site's loopback) from a third address
// pair on the gw-site link (192.0.5.1 and .2); ours (sitetrap.conf, added by a reload) traps through ipsec5, the
// site's network routed into it by the connection's routes.
internal sealed partial class LibreswanLab
{
    public const string TrapPeer = "192.0.5.2";
    public const string GwTowardsTrapPeer = "192.0.5.1";
    public const string TrapHost = "10.39.0.1";
    public const string TrapNet = "10.39.0.0/24";

    /// <summary>Our side of libreswan's <c>sitetrap</c>: start-action = trap, the LAN and the site's network as
    /// selectors, ipsec5, PFS in CHILD SA rekeys as libreswan's pfs=yes expects.</summary>
    public const string SiteTrapConf = $$"""
        sitetrap {
          local { id = "gw.s36.test", auth = psk }
          remote { id = "sitetrap.s36.test", auth = psk, addrs = [ "{{TrapPeer}}" ] }
          start-action = trap
          retry { delay = 1s, max-delay = 4s }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16-x25519" ]
          local-ts = [ "{{LanNet}}" ]
          remote-ts = [ "{{TrapNet}}" ]
          routes = [ "{{TrapNet}}" ]
          ipsec-interface = 5
        }
        secrets { "sitetrap.s36.test" = "libreswan-guest-scenario-36-sitetrap-psk" }
        """;

    /// <summary>Writes <see cref="SiteTrapConf"/> into the Host's connection folder and reloads it (SIGHUP): the
    /// connection is added and its trap installed.</summary>
    public void AddSiteTrap()
    {
        File.WriteAllText(Path.Combine(_configDir, "sitetrap.conf"), SiteTrapConf);
        var hup = Tool.Run("kill", "-HUP", _host.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(hup.ExitCode == 0, hup.ToString());
    }

    private static void SetUpTrapSite()
    {
        Tool.IpBatch(Gw, $"addr add {GwTowardsTrapPeer}/24 dev gu36-gws");
        Tool.IpBatch(Site, $"addr add {TrapPeer}/24 dev gu36-site0", $"addr add {TrapHost}/32 dev lo");
    }
}
