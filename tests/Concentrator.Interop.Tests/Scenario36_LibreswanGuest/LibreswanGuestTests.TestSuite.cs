using System.Diagnostics;
using System.Text.RegularExpressions;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

// libreswan's own test-suite configurations against pluto (issue 16): the in-scope ones, which and why in
// tests/Concentrator.Host.Tests/TestData/libreswan/README.md.
public sealed partial class LibreswanGuestTests
{
    /// <summary>
    /// Each in-scope test-suite configuration (<see cref="LibreswanLab.SuiteCases"/>), addresses, ids and secrets
    /// rewritten to the lab's: our side (libreswan's east) imported by <c>concentrator import-libreswan</c> into the
    /// Host's folder and added by one reload, pluto's side (west, or road) loaded from the same file and brought up
    /// with <c>whack --initiate</c> (<c>ipsec auto --up</c>); the IKE and CHILD SAs carry the configuration's
    /// algorithms as pluto reports them, the gateway's kernel SAs the same ESP transform, and a ping crosses between
    /// the conn's subnets both ways (the host-to-host conn, without subnets: its SAs on ipsec1, with the algorithms).
    /// </summary>
    private void TestSuite(LibreswanLab lab)
    {
        var step = Stopwatch.StartNew();
        var imported = lab.AddTestSuite();
        Assert.All(imported, m => Assert.Contains("imported 1 conn(s)", m, StringComparison.Ordinal));
        lab.WaitFor(() => Lines(lab.HostLog, "reload: added ").Any(l => LibreswanLab.SuiteCases.All(c => l.Split(", removed")[0].Contains(c.Ours, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60), "the reload did not add the test-suite connections");
        log.WriteLine($"test suite: {LibreswanLab.SuiteCases.Length} conns imported and added after {step.Elapsed.TotalSeconds:F1} s");

        foreach (var c in LibreswanLab.SuiteCases)
        {
            step.Restart();
            var up = lab.SitePluto.Whack(150, "--initiate", "--name", c.Theirs);
            Assert.True(up.Output.Contains("initiator established Child SA", StringComparison.Ordinal), $"{c.Folder}: {up}\n{lab.Diagnostics()}");
            foreach (var algorithm in c.IkeAlgorithms.Concat(c.ChildAlgorithms))
            {
                Assert.True(up.Output.Contains(algorithm, StringComparison.Ordinal), $"{c.Folder}: no {algorithm} in\n{up}");
            }

            // The ESP transform pluto negotiated is the one in our kernel.
            var transform = EspTransform().Match(up.Output);
            Assert.True(transform.Success, $"{c.Folder}: no xfrm= in\n{up}");
            var states = PeerStates(c.PeerAddress);
            Assert.Equal(2, states.Count);
            var kernel = transform.Groups[1].Value.StartsWith("AES_GCM_16", StringComparison.Ordinal) ? "rfc4106(gcm(aes))"
                : transform.Groups[1].Value.StartsWith("AES_CBC", StringComparison.Ordinal) ? "cbc(aes)" : transform.Groups[1].Value;
            Assert.All(states, s => Assert.Contains(kernel, s.Text, StringComparison.Ordinal));
            if (c.HasSubnets)
            {
                Assert.All(states, s => Assert.False(s.HasIfId(1), $"{c.Folder}: policy-based state with an if_id:\n" + s.Text));
                PingMustCross(lab, LibreswanLab.Site, c.TheirHost, c.OurHost);
                PingMustCross(lab, LibreswanLab.Gw, c.OurHost, c.TheirHost);
            }
            else
            {
                Assert.All(states, s => Assert.True(s.HasIfId(1), $"{c.Folder}: state without if_id 1 (ipsec-interface=yes):\n" + s.Text));
            }

            log.WriteLine($"test suite {c.Folder}: up ({transform.Groups[1].Value}) and checked in {step.Elapsed.TotalSeconds:F1} s");
        }
    }

    [GeneratedRegex(@"xfrm=(\S+?)[ }]")]
    private static partial Regex EspTransform();
}
