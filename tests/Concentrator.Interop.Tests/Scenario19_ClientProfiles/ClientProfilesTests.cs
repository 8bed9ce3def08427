namespace Concentrator.Interop.Tests.Scenario19_ClientProfiles;

/// <summary>
/// Issue 12, interop with the built-in clients' proposal profiles, emulated with strongSwan road warriors in one charon
/// (<see cref="ClientProfile"/>): Windows 10/11's default (MODP-1024, served because the operator opted in with
/// concentrator.ike.allow-modp1024 = on, which the gateway warns about at start), Windows with DH group 14, macOS/iOS
/// and Android. The gateway offers a sensible operator list (AEAD with Curve25519 first, group 2 last); each client
/// establishes with the proposal the gateway should choose and pings the LAN through the tunnel.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class ClientProfilesTests : IDisposable
{
    /// <summary>The operator's IKE proposals: strongest first, Windows' default last.</summary>
    public const string GatewayIke = """[ "aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256", "aes256-sha256-modp2048", "aes256-sha1-modp1024" ]""";

    private const string GatewayEsp = """[ "aes256gcm16", "aes256-sha256", "aes256-sha1" ]""";

    private readonly RoadWarriorLab _lab = new(namespacePrefix: "pl", overrides: new GatewayOverrides(
        Server: "concentrator.ike.allow-modp1024 = on",
        Connection: $"ike-proposals = {GatewayIke}\nesp-proposals = {GatewayEsp}"));

    [Fact]
    public void BuiltInClientProfiles_WithModp1024OptIn_EachEstablishesWithTheExpectedProposalAndPings()
    {
        Assert.Contains("concentrator.ike.allow-modp1024 = on: MODP-1024", _lab.HostLog, StringComparison.Ordinal);
        Assert.Contains("is accepted by road-warrior.ike-proposals[3]", _lab.HostLog, StringComparison.Ordinal);
        ClientProfile[] profiles = [ClientProfile.Windows, ClientProfile.WindowsDh2048, ClientProfile.Apple, ClientProfile.Android];
        _lab.StartCharon();
        _lab.LoadConf(ClientProfile.SwanctlConf(_lab, profiles));
        foreach (var profile in profiles)
        {
            var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", profile.Name, "--child", "lan");
            Assert.True(code == 0, $"{profile.Name}: swanctl --initiate failed:\n{output}\nhost:\n{_lab.HostLog}");
        }

        var sas = _lab.ListSas();
        foreach (var profile in profiles)
        {
            var sa = SwanctlListing.SaOf(sas, profile.Name);
            Assert.Contains(profile.ChosenIke, sa, StringComparison.Ordinal);
            Assert.Contains(profile.ChosenEsp, sa, StringComparison.Ordinal);
            var vip = SwanctlListing.VipOf(sas, profile.Name);
            Assert.True(_lab.Pool.Contains(vip), $"{profile.Name} got {vip}, not from {_lab.Pool}");
            var (ping, output) = _lab.Ping(count: 1, source: vip);
            Assert.True(ping == 0, $"{profile.Name}: ping from {vip} through the tunnel failed:\n{output}");
        }

        // Android's KE payload (MODP-4096) was not the gateway's choice: it retried with Curve25519.
        Assert.Contains("peer didn't accept DH group MODP_4096, it requested CURVE_25519", _lab.CharonLog, StringComparison.Ordinal);
    }

    public void Dispose() => _lab.Dispose();
}
