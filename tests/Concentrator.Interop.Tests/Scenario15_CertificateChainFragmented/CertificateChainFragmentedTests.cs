using System.Net;
using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario15_CertificateChainFragmented;

/// <summary>
/// Issue 12, certificates: a 4096-bit RSA PKI with two intermediates (made by <c>pki</c>). Gateway and client each
/// send end entity + two intermediates (three 4096-bit certificates, ~5 KB), so IKE_AUTH cannot fit one datagram and
/// travels in RFC 7383 fragments both ways: strongSwan's log shows it split its request and reassembled our response.
/// The client gets a virtual IP and pings through. Needs root and strongSwan (scripts/install-test-deps.sh); fails,
/// never skips, without them.
/// </summary>
public sealed partial class CertificateChainFragmentedTests : IDisposable
{
    private readonly CertificateGateway _pki = new("rsa", 4096, intermediates: 2);
    private readonly RoadWarriorLab _lab;

    public CertificateChainFragmentedTests() => _lab = new RoadWarriorLab(overrides: _pki.Overrides(), namespacePrefix: "crt");

    [Fact]
    public void StrongSwanClient_Rsa4096ChainWithTwoIntermediates_IkeAuthFragmentedBothWaysAndPings()
    {
        const string Id = "chain.crt.test";
        var (cert, key, _) = _pki.Client("chain", "rsa", 4096, Id);
        _lab.StartCharon();
        _lab.LoadCertificate("chain", cert, key, _pki.Pki.Read(_pki.Root), CertificateGateway.GatewayId, Id, _pki.IntermediatesPem);

        var (code, output) = _lab.Swanctl(30, "--initiate", "--ike", "home", "--child", "lan");

        Assert.True(code == 0, $"swanctl --initiate failed:\n{output}\nhost:\n{_lab.HostLog}");
        string log = _lab.CharonLog;
        // Our request went out in pieces (RFC 7383 §2.5) and our response came back in pieces, reassembled by strongSwan.
        Match split = SplitPattern().Match(log);
        Assert.True(split.Success, "strongSwan did not fragment its IKE_AUTH request:\n" + log);
        Assert.True(int.Parse(split.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 4000, split.Value);
        Assert.Matches(@"received fragment #\d+ of [2-9]", log);
        Assert.Matches(@"reassembled fragmented IKE message \(\d{4,} bytes\)", log);
        // Three certificates each way: strongSwan sent its intermediates and verified ours up to the root.
        Assert.Contains($"authentication of '{CertificateGateway.GatewayId}' with RSA_EMSA_PKCS1_SHA2_256 successful", log, StringComparison.Ordinal);
        Assert.Contains("CN=Test Intermediate 1", log, StringComparison.Ordinal);
        Assert.Contains("CN=Test Intermediate 2", log, StringComparison.Ordinal);

        var sas = _lab.ListSas();
        IPAddress vip = RoadWarriorLab.VirtualIp(sas);
        Assert.True(IPNetwork.Parse(CertificateGateway.Pool).Contains(vip), $"{vip} is not from {CertificateGateway.Pool}");
        var (ping, pingOutput) = _lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, $"ping through the tunnel failed:\n{pingOutput}");
    }

    public void Dispose()
    {
        _lab.Dispose();
        _pki.Dispose();
    }

    [GeneratedRegex(@"splitting IKE message \((\d+) bytes\) into [2-9] fragments")]
    private static partial Regex SplitPattern();
}
