using System.Diagnostics;

namespace Concentrator.Host.Tests.Initiator;

/// <summary>
/// Two real <c>concentrator run</c> processes, site A and site B, each in its own network namespace on one veth pair
/// (A 192.0.2.1, B 192.0.2.2), each with a LAN address on its loopback (A 10.1.0.1/24, B 10.2.0.1/24): a route-based
/// site-to-site tunnel with 0.0.0.0/0 selectors on both ends, TUN <c>ipsec1</c> (userspace dataplane), each end routing
/// the other's LAN into ipsec1 through <c>routes</c>. A initiates (<c>start-action = start</c>, dpd-action restart, a
/// short DPD and retry backoff), B only responds. Namespaces are named <c>in…</c> with this process's id.
/// The IPv6 trap lab (<c>inner6</c>) adds IPv6 LANs (A 2001:db8:1::1/64, B 2001:db8:2::1/64) and A's trap selectors
/// are those (B answers with 0.0.0.0/0 and ::/0); with <c>outer6</c> the veth carries 2001:db8:f::1 and ::2 and IKE
/// and ESP run over IPv6. Its namespaces are named <c>h2t…</c>.
/// </summary>
internal sealed class SiteToSiteLab : IAsyncDisposable
{
    public const string Secret = "site-to-site-secret-0123456789";
    private readonly TempDir _dir = new();
    private readonly string _tag;
    private readonly List<HostProcess> _exited = [];
    private readonly bool _trap;
    private readonly bool _inner6;
    private readonly bool _outer6;
    private bool _idle;

    /// <param name="trap">A with <c>start-action = trap</c> and the sites' networks as selectors (10.1.0.0/24 ===
    /// 10.2.0.0/24) instead of <c>start</c> with 0.0.0.0/0.</param>
    /// <param name="idle">A starts with <c>start-action = none</c> (see <see cref="WriteA"/> to change it).</param>
    /// <param name="inner6">A's trap selectors are the IPv6 LANs (2001:db8:1::/64 === 2001:db8:2::/64).</param>
    /// <param name="outer6">The sites talk IKE and ESP over IPv6 (2001:db8:f::1 and ::2) instead of IPv4.</param>
    public SiteToSiteLab(bool trap = false, bool idle = false, bool inner6 = false, bool outer6 = false)
    {
        _trap = trap;
        _idle = idle;
        _inner6 = inner6;
        _outer6 = outer6;
        _tag = (inner6 || outer6 ? "h2t" : "in") + (Environment.ProcessId % 100000);
        try
        {
            Run("ip", "netns", "add", Ns("a"));
            Run("ip", "netns", "add", Ns("b"));
            Run("ip", "link", "add", "eth0", "netns", Ns("a"), "type", "veth", "peer", "name", "eth0", "netns", Ns("b"));
            foreach (var (site, wan, lan) in new[] { ("a", "192.0.2.1/24", "10.1.0.1/24"), ("b", "192.0.2.2/24", "10.2.0.1/24") })
            {
                Run("ip", "-n", Ns(site), "addr", "add", wan, "dev", "eth0");
                Run("ip", "-n", Ns(site), "link", "set", "eth0", "up");
                Run("ip", "-n", Ns(site), "link", "set", "lo", "up");
                Run("ip", "-n", Ns(site), "addr", "add", lan, "dev", "lo");
                if (inner6 || outer6)
                {
                    bool a = site == "a";
                    Run("ip", "-n", Ns(site), "addr", "add", a ? "2001:db8:1::1/64" : "2001:db8:2::1/64", "dev", "lo");
                    Run("ip", "-n", Ns(site), "addr", "add", a ? "2001:db8:f::1/64" : "2001:db8:f::2/64", "dev", "eth0", "nodad");
                }
            }

            A = StartSite("a");
            B = StartSite("b");
        }
        catch
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The initiating site.</summary>
    public HostProcess A { get; private set; } = null!;

    /// <summary>The responding site (replaced by <see cref="RestartB"/>).</summary>
    public HostProcess B { get; private set; } = null!;

    public string Ns(string site) => $"{_tag}{site}";

    public string Socket(string site) => Path.Combine(_dir.Path, site, "concentrator.sock");

    /// <summary>kill -9 of site B (it sends no Delete), then a new B process with the same configuration.</summary>
    public void RestartB()
    {
        B.Process.Kill();
        B.Process.WaitForExit();
        _exited.Add(B);
        B = StartSite("b");
    }

    /// <summary>One ping from A's LAN address to B's (through A's ipsec1 by its route); true when answered.</summary>
    public bool Ping()
    {
        var (code, _) = ToolProcess.Run("ip", "netns", "exec", Ns("a"), "ping", "-c", "1", "-W", "2", "-I", "10.1.0.1", "10.2.0.1");
        return code == 0;
    }

    /// <summary>One IPv6 ping from A's LAN address to B's (2001:db8:1::1 → 2001:db8:2::1 through A's ipsec1); true when answered.</summary>
    public bool Ping6()
    {
        var (code, _) = ToolProcess.Run("ip", "netns", "exec", Ns("a"), "ping", "-6", "-c", "1", "-W", "2", "-I", "2001:db8:1::1", "2001:db8:2::1");
        return code == 0;
    }

    /// <summary>One ping from A's ipsec1 address (its interface-ip) to B's, over the /30 on the TUNs; true when answered.</summary>
    public bool PingInterfaceAddresses()
    {
        var (code, _) = ToolProcess.Run("ip", "netns", "exec", Ns("a"), "ping", "-c", "1", "-W", "2", "10.255.0.2");
        return code == 0;
    }

    /// <summary>The addresses on ipsec1 in the site's namespace (<c>ip addr show dev ipsec1</c>).</summary>
    public string Addresses(string site) => ToolProcess.Run("ip", "-n", Ns(site), "addr", "show", "dev", "ipsec1").Output;

    /// <summary>The routes through ipsec1 in the site's namespace (<paramref name="family"/> "-6" for IPv6's).</summary>
    public string Routes(string site, string family = "-4") => ToolProcess.Run("ip", family, "-n", Ns(site), "route", "show", "dev", "ipsec1").Output;

    /// <summary>Rewrites A's connection file (start-action = start, or none while <paramref name="idle"/>) for a reload.</summary>
    public void WriteA(bool idle)
    {
        _idle = idle;
        WriteConnections("a");
    }

    private HostProcess StartSite(string site)
    {
        WriteConnections(site);
        bool a = site == "a";
        var main = _dir.Write($"{site}/main.conf", $$"""
            concentrator {
              config-dir = "conns"
              dataplane = userspace
              leases.path = ""
              management.socket = "{{Socket(site)}}"
              ike.listen = [ "{{Wan(a)}}" ]
            }
            akka.loglevel = WARNING
            """);
        return HostProcess.Start(["run", "--config", main, "--log-format", "json"], ["ip", "netns", "exec", Ns(site)]);
    }

    private void WriteConnections(string site)
    {
        bool a = site == "a";
        string me = a ? "a.site.test" : "b.site.test", peer = a ? "b.site.test" : "a.site.test";
        string initiator = a
            ? $$"""
              remote.addrs = [ "{{Wan(false)}}" ]
              start-action = {{(_idle ? "none" : _trap ? "trap" : "start")}}
              dpd-action = restart
              close-action = start
              retry { delay = 1s, max-delay = 4s }
              """
            : "";
        _dir.Write($"{site}/conns/s2s.conf", $$"""
            s2s {
              local.id = "{{me}}"
              remote.id = "{{peer}}"
              {{initiator}}
              local-ts = [ {{Selectors(a, local: true)}} ]
              remote-ts = [ {{Selectors(a, local: false)}} ]
              routes = [ {{(a ? "\"10.2.0.0/24\"" : "\"10.1.0.0/24\"") + (_inner6 ? (a ? ", \"2001:db8:2::/64\"" : ", \"2001:db8:1::/64\"") : "")}} ]
              ipsec-interface = yes
              interface-ip = "{{(a ? "10.255.0.1/30" : "10.255.0.2/30")}}"
              dpd { delay = 2s, timeout = 6s }
            }
            secrets { "{{peer}}" = "{{Secret}}" }
            """);
    }

    private string Wan(bool a) => _outer6 ? (a ? "2001:db8:f::1" : "2001:db8:f::2") : (a ? "192.0.2.1" : "192.0.2.2");

    /// <summary>A's trap selectors are its LAN and B's (IPv6 ones in the IPv6 lab); otherwise 0.0.0.0/0 (and ::/0 on B
    /// in the IPv6 lab, so it narrows to A's).</summary>
    private string Selectors(bool a, bool local)
    {
        if (a && _trap)
        {
            return _inner6 ? (local ? "\"2001:db8:1::/64\"" : "\"2001:db8:2::/64\"") : (local ? "\"10.1.0.0/24\"" : "\"10.2.0.0/24\"");
        }

        return _inner6 ? "\"0.0.0.0/0\", \"::/0\"" : "\"0.0.0.0/0\"";
    }

    private static void Run(string file, params string[] args)
    {
        var (code, output) = ToolProcess.Run(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} exited {code}: {output}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new[] { A, B }.Where(h => h is not null))
        {
            try
            {
                if (!host.Process.HasExited)
                {
                    await host.TerminateAsync();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException)
            {
                // Killed by Dispose.
            }

            host.Dispose();
        }

        foreach (var host in _exited)
        {
            host.Dispose();
        }

        ToolProcess.Run("ip", "netns", "del", Ns("a"));
        ToolProcess.Run("ip", "netns", "del", Ns("b"));
        _dir.Dispose();
    }
}
