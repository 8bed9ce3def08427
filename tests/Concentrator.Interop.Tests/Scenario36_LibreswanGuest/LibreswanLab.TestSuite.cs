using System.Globalization;
using Concentrator.Host;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

// Configurations of libreswan's own test suite (tests/Concentrator.Host.Tests/TestData/libreswan, which ImportLibreswanTests
// imports) run against pluto: only their addresses, ids and secrets are rewritten to the lab's; algorithms, lifetimes,
// ipsec-interface and every other key stay as libreswan wrote them. Each gets its own address pair on the gw-site link
// (192.0.7.1 on the gateway, 192.0.7.1N at the site) and its own networks (west's 10.43.N.0/24 at the site, east's
// 10.44.N.0/24 on the gateway's loopback). Which of the 23 are in scope, and why the others are not: README.md there.
internal sealed partial class LibreswanLab
{
    public const string GwTowardsSuite = "192.0.7.1";

    /// <summary>The in-scope test-suite configurations: folder, file, the conn we import (east, libreswan's right),
    /// the conn pluto loads (west or road, its left), the algorithm names pluto must report for the IKE SA and the
    /// CHILD SA (as its whack prints them), and whether the conn has subnets for a ping.</summary>
    public static readonly SuiteCase[] SuiteCases =
    [
        new(1, "ikev2-algo-04-aes-gcm256", "east.conf", "westnet-eastnet-ipv4-psk-ikev2-gcm-c", "westnet-eastnet-ipv4-psk-ikev2-gcm-c", [], ["xfrm=AES_GCM_16_256-NONE"], true),
        new(2, "ikev2-algo-02-modp2048-responder", "east.conf", "westnet-eastnet-ikev2", "westnet-eastnet-ikev2", ["cipher=AES_CBC_128", "group=MODP2048"], [], true),
        new(3, "algo-ike-aes128-sha2-ecp", "ipsec.conf", "east-ikev2", "east-ikev2", ["cipher=AES_CBC_128", "group=DH19"], [], true),
        new(4, "ikev2-xfrmi-02-responder", "ipsec.conf", "east", "road", [], [], false),
    ];

    /// <summary>Rewrites, imports (the real CLI verb, into the Host's connection folder) and hands to the site's pluto
    /// every case of <see cref="SuiteCases"/>; then reloads the Host (SIGHUP). What import-libreswan printed, per case.</summary>
    public IReadOnlyList<string> AddTestSuite()
    {
        var messages = new List<string>();
        var secrets = File.ReadAllText(_secretsPath);
        foreach (var c in SuiteCases)
        {
            var source = Path.Combine(RepoPaths.Root, "tests", "Concentrator.Host.Tests", "TestData", "libreswan", c.Folder);
            var rewritten = c.Rewrite(File.ReadAllText(Path.Combine(source, c.ConfFile)));
            var conf = _dir.Write($"suite/{c.Folder}/ipsec.conf", rewritten);
            var plutoConf = _dir.Write($"suite/{c.Folder}/pluto.conf", SuiteCase.InLibreswan4(rewritten));
            var secretsFile = Path.Combine(source, "east.secrets");
            var ownSecrets = File.Exists(secretsFile) ? File.ReadAllText(secretsFile) : $"@east @west : PSK \"{SuiteCase.TestSuitePsk}\"\n";
            var rewrittenSecrets = c.Rewrite(ownSecrets);
            var secretsCopy = _dir.Write($"suite/{c.Folder}/ipsec.secrets", rewrittenSecrets);
            secrets += "\n" + rewrittenSecrets;

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            int code = Program.Run(["import-libreswan", conf, secretsCopy, "--conn", c.Ours, "--local", "right", "-o", Path.Combine(_configDir, $"suite{c.Index}.conf")], stdout, stderr);
            Assert.True(code == 0, $"import-libreswan {c.Folder} exited {code}:\n{stdout}{stderr}");
            messages.Add($"{c.Folder}: {stdout}{stderr}");
            SitePluto.Add(c.Theirs, plutoConf);
        }

        File.WriteAllText(_secretsPath, secrets);
        var reread = SitePluto.Whack(60, "--rereadsecrets");
        Assert.True(reread.ExitCode == 0, "whack --rereadsecrets: " + reread);
        var hup = Tool.Run("kill", "-HUP", _host.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(hup.ExitCode == 0, hup.ToString());
        return messages;
    }

    private static void SetUpTestSuite()
    {
        Tool.IpBatch(Gw, $"addr add {GwTowardsSuite}/24 dev gu36-gws", "route add 10.43.0.0/16 dev gu36-gws");
        Tool.IpBatch(Site, "route add 10.44.0.0/16 dev gu36-site0");
        foreach (var c in SuiteCases)
        {
            Tool.IpBatch(Gw, $"addr add {c.OurHost}/32 dev lo");
            Tool.IpBatch(Site, $"addr add {c.PeerAddress}/24 dev gu36-site0", $"addr add {c.TheirHost}/32 dev lo");
        }
    }

    internal sealed record SuiteCase(int Index, string Folder, string ConfFile, string Ours, string Theirs, string[] IkeAlgorithms, string[] ChildAlgorithms, bool HasSubnets)
    {
        public const string TestSuitePsk = "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890";

        /// <summary>The test suite is libreswan 5's; the guest's pluto is 4.10, whose addconn refuses 5's
        /// keyexchange=ikev1|ikev2 ("invalid value") and spells the same ikev2=never|insist. Pluto's copy only; we
        /// import libreswan's own spelling.</summary>
        public static string InLibreswan4(string text) => text
            .Replace("keyexchange=ikev2", "ikev2=insist", StringComparison.Ordinal)
            .Replace("keyexchange=ikev1", "ikev2=never", StringComparison.Ordinal);

        public string PeerAddress => $"192.0.7.{10 + Index}";

        public string TheirHost => $"10.43.{Index}.1";

        public string OurHost => $"10.44.{Index}.1";

        public string TheirId => $"west{Index}.suite.s36.test";

        public string OurId => $"east{Index}.suite.s36.test";

        /// <summary>libreswan's test network (west 192.1.2.45 or road 192.1.3.209, east 192.1.2.23, their nexthops,
        /// westnet 192.0.1.0/24, eastnet 192.0.2.0/24), ids and PSK replaced by the lab's; nothing else touched.</summary>
        public string Rewrite(string text) => text
            .Replace("192.0.1.0/24", $"10.43.{Index}.0/24", StringComparison.Ordinal)
            .Replace("192.0.2.0/24", $"10.44.{Index}.0/24", StringComparison.Ordinal)
            .Replace("192.1.2.45", PeerAddress, StringComparison.Ordinal)
            .Replace("192.1.3.209", PeerAddress, StringComparison.Ordinal)
            .Replace("192.1.3.254", GwTowardsSuite, StringComparison.Ordinal)
            .Replace("192.1.2.254", PeerAddress, StringComparison.Ordinal)
            .Replace("192.1.2.23", GwTowardsSuite, StringComparison.Ordinal)
            .Replace("@west", "@" + TheirId, StringComparison.Ordinal)
            .Replace("@road", "@" + TheirId, StringComparison.Ordinal)
            .Replace("@east", "@" + OurId, StringComparison.Ordinal)
            .Replace(TestSuitePsk, $"libreswan-test-suite-{Index}-psk", StringComparison.Ordinal);
    }
}
