using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Concentrator.LoadGen.Tests.StrongSwan;

/// <summary>
/// A strongSwan responder (charon-systemd + swanctl, kernel-libipsec, PSK, pool 10.99.0.0/16) in its own network
/// namespace "lg-PID-N-gw" (192.0.2.1), and a client namespace "lg-PID-N-cl" (192.0.2.2) joined by a veth pair,
/// where the load generator opens its sockets. Dispose stops the daemon and deletes both namespaces; namespaces
/// left by a crashed earlier run (their PID is gone) are deleted on the next start.
/// </summary>
internal sealed partial class StrongSwanResponder : IDisposable
{
    public const string Psk = "lg-test-psk-0123456789";
    public static readonly IPAddress GatewayAddress = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress ClientAddress = IPAddress.Parse("192.0.2.2");

    /// <summary>A second source address in the client namespace, for clients spread over several addresses.</summary>
    public static readonly IPAddress ClientAddress2 = IPAddress.Parse("192.0.2.3");

    private static int s_instances;
    private readonly string _dir;
    private readonly Process _charon;
    private readonly Dictionary<string, string> _env;

    public StrongSwanResponder(string proposal = "aes256gcm16-prfsha256-x25519", string espProposal = "aes256gcm16",
        int dpdDelaySeconds = 0, int? logLevel = null)
    {
        CleanStale();
        string tag = string.Create(CultureInfo.InvariantCulture, $"lg-{Environment.ProcessId}-{Interlocked.Increment(ref s_instances)}");
        GatewayNetns = tag + "-gw";
        ClientNetns = tag + "-cl";
        _dir = Directory.CreateTempSubdirectory(tag + "-").FullName;
        _env = new() { ["STRONGSWAN_CONF"] = Path.Combine(_dir, "strongswan.conf") };
        try
        {
            CreateNamespaces();
            File.WriteAllText(Path.Combine(_dir, "strongswan.conf"),
                StrongSwanConf(logLevel ?? (int.TryParse(Environment.GetEnvironmentVariable("LG_LOGLEVEL"), out int l) ? l : 0)));
            File.WriteAllText(Path.Combine(_dir, "swanctl.conf"), SwanctlConf(proposal, espProposal, dpdDelaySeconds));
            var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardInput = true };
            foreach (string a in (string[])["netns", "exec", GatewayNetns, "env", "STRONGSWAN_CONF=" + _env["STRONGSWAN_CONF"], "/usr/sbin/charon-systemd"])
            {
                psi.ArgumentList.Add(a);
            }

            // ip and env exec, so this PID is charon's (what --responder-pid measures).
            _charon = Process.Start(psi)!;
            WaitForVici();
            Swanctl("--load-all", "--file", Path.Combine(_dir, "swanctl.conf"));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string GatewayNetns { get; }

    public string ClientNetns { get; }

    public int Pid => _charon.Id;

    public string LogPath => Path.Combine(_dir, "charon.log");

    public string Swanctl(params string[] args)
    {
        (int rc, string o, string e) = Cmd.Run("swanctl", args, _env);
        return rc == 0 ? o : throw new InvalidOperationException($"swanctl {string.Join(' ', args)} exited {rc}: {o}{e}");
    }

    /// <summary>`swanctl --list-sas`: each IKE SA as (remote identity, remote address, virtual IP, state).</summary>
    public IReadOnlyList<(string RemoteId, string RemoteAddress, string? VirtualIp, string State)> ListSas()
    {
        string text = Swanctl("--list-sas");
        var result = new List<(string, string, string?, string)>();
        string? state = null;
        foreach (string line in text.Split('\n'))
        {
            Match header = SaHeader().Match(line);
            if (header.Success)
            {
                state = header.Groups[1].Value;
                continue;
            }

            Match remote = RemoteLine().Match(line);
            if (remote.Success && state is not null)
            {
                result.Add((remote.Groups[1].Value, remote.Groups[2].Value, remote.Groups[3].Success ? remote.Groups[3].Value : null, state));
                state = null;
            }
        }

        return result;
    }

    public void Dispose()
    {
        if (_charon is { HasExited: false })
        {
            _charon.Kill(); // SIGKILL: no DELETEs to the (soon gone) clients needed
            _charon.WaitForExit(5000);
        }

        _charon?.Dispose();
        DeleteNamespace(GatewayNetns);
        DeleteNamespace(ClientNetns);
        try
        {
            // LG_KEEP=1 keeps the configs and charon.log for a look after a failure.
            if (Environment.GetEnvironmentVariable("LG_KEEP") == "1")
            {
                return;
            }

            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void CreateNamespaces()
    {
        Cmd.Check("ip", "netns", "add", GatewayNetns);
        Cmd.Check("ip", "netns", "add", ClientNetns);
        Cmd.Check("ip", "-n", GatewayNetns, "link", "set", "lo", "up");
        Cmd.Check("ip", "-n", ClientNetns, "link", "set", "lo", "up");
        // Both ends are created inside the namespaces, so nothing ever appears in the root namespace.
        Cmd.Check("ip", "link", "add", "gw0", "netns", GatewayNetns, "type", "veth", "peer", "name", "cl0", "netns", ClientNetns);
        Cmd.Check("ip", "-n", GatewayNetns, "addr", "add", GatewayAddress + "/24", "dev", "gw0");
        Cmd.Check("ip", "-n", ClientNetns, "addr", "add", ClientAddress + "/24", "dev", "cl0");
        Cmd.Check("ip", "-n", ClientNetns, "addr", "add", ClientAddress2 + "/24", "dev", "cl0");
        Cmd.Check("ip", "-n", GatewayNetns, "link", "set", "gw0", "up");
        // The protected network behind the gateway: kernel-libipsec routes the CHILD SA from an address in it.
        Cmd.Check("ip", "-n", GatewayNetns, "addr", "add", "198.51.100.1/24", "dev", "lo");
        Cmd.Check("ip", "-n", ClientNetns, "link", "set", "cl0", "up");
    }

    private void WaitForVici()
    {
        var sw = Stopwatch.StartNew();
        while (Cmd.Run("swanctl", ["--stats"], _env).ExitCode != 0)
        {
            if (_charon.HasExited || sw.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"charon-systemd did not come up (exited: {_charon.HasExited}); log {LogPath}");
            }

            Thread.Sleep(20);
        }
    }

    private static void DeleteNamespace(string? name)
    {
        if (name is not null)
        {
            Cmd.Run("ip", ["netns", "del", name]);
        }
    }

    /// <summary>Namespaces of earlier test processes that died without cleaning up.</summary>
    private static void CleanStale()
    {
        foreach (Match m in StaleNamespace().Matches(Cmd.Check("ip", "netns", "list")))
        {
            int pid = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                DeleteNamespace(m.Groups[0].Value);
            }
        }
    }

    private string StrongSwanConf(int logLevel) => $$"""
        # Responder for the load generator tests (namespace {{GatewayNetns}}).
        charon {
            load_modular = no
            load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
            # Many clients share one source address: lift every admission throttle (as scripts/lib/loadgen-lab.sh
            # does for both responders of the benchmarks). cookie_threshold_ip is the per-source COOKIE threshold
            # (default 3); init_limit_half_open / init_limit_job_load = 0 are strongSwan's "no limit" defaults.
            block_threshold = 100000
            cookie_threshold = 100000
            cookie_threshold_ip = 100000
            init_limit_half_open = 0
            init_limit_job_load = 0
            threads = 16
            retransmit_tries = 2
            retransmit_timeout = 1.0
            filelog {
                main {
                    path = {{LogPath}}
                    append = no
                    default = {{logLevel}}
                }
            }
            syslog {
                daemon {
                    default = -1
                }
            }
            plugins {
                vici {
                    socket = unix://{{_dir}}/charon.vici
                }
            }
        }
        swanctl {
            socket = unix://{{_dir}}/charon.vici
        }
        """;

    private static string SwanctlConf(string proposal, string espProposal, int dpdDelaySeconds) => $$"""
        connections {
            rw {
                version = 2
                local_addrs = {{GatewayAddress}}
                proposals = {{proposal}}
                pools = rw-pool
                dpd_delay = {{dpdDelaySeconds}}s
                local {
                    auth = psk
                    id = gw.loadgen.test
                }
                remote {
                    auth = psk
                    id = %any
                }
                children {
                    lan {
                        local_ts = 198.51.100.0/24
                        esp_proposals = {{espProposal}}
                    }
                }
            }
        }
        pools {
            rw-pool {
                addrs = 10.99.0.0/16
            }
        }
        secrets {
            ike-any {
                secret = "{{Psk}}"
            }
        }
        """;

    [GeneratedRegex(@"^rw: #\d+, (\w+), IKEv2", RegexOptions.Multiline)]
    private static partial Regex SaHeader();

    [GeneratedRegex(@"^\s+remote\s+'([^']*)' @ ([0-9.]+)\[\d+\](?: \[([0-9.]+)\])?")]
    private static partial Regex RemoteLine();

    [GeneratedRegex(@"lg-(\d+)-\d+-(?:gw|cl)")]
    private static partial Regex StaleNamespace();
}
