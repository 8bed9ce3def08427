namespace Concentrator.Interop.Tests.Scenario02_CbcSha256Ecp256;

/// <summary>
/// Interop scenario 2: AES-CBC-256 + HMAC-SHA2-256 + ECP-256 for IKE and ESP.
/// Each test gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start). Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class CbcSha256Ecp256Tests
{
    [Fact]
    public void StrongSwanClient_AesCbcSha256Ecp256_EstablishesWithThoseAlgorithmsAndPings()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk, proposals: "aes256-sha256-ecp256", espProposals: "aes256-sha256");

        lab.MustInitiate();

        var sas = lab.ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.Contains("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", sas, StringComparison.Ordinal);
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        Assert.Contains("AES_CBC-256/HMAC_SHA2_256_128", sas[sas.IndexOf("INSTALLED", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.True(lab.Pool.Contains(RoadWarriorLab.VirtualIp(sas)));
        var (ping, output) = lab.Ping();
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);
    }
}
