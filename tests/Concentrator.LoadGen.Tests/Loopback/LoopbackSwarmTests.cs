using Concentrator.Ike.Sa;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Engine;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Tests.Loopback;

/// <summary>The swarm against our own responder on loopback (no root, no strongSwan, no NAT).</summary>
public sealed class LoopbackSwarmTests
{
    private static LoadGenOptions Options(LoopbackResponder responder, int count, string psk) => new()
    {
        Target = responder.Endpoint,
        Count = count,
        Concurrency = 5,
        Psk = psk,
        SocketsPerAddress = 4,
        ProgressInterval = TimeSpan.Zero,
        RetransmitTimeout = TimeSpan.FromSeconds(1),
        RetransmitTries = 2,
    };

    [Fact]
    public async Task Swarm_ThirtyClientsThenTeardown_EstablishedWithoutNatAndDeleted()
    {
        using var responder = new LoopbackResponder("loop-psk");
        using var swarm = new LoadSwarm(Options(responder, 30, "loop-psk") with { Teardown = true });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Established == 30, report.ToText());
        Assert.Equal(30, report.DistinctVirtualIps);
        // No NAT between 127.0.0.1 and itself: nobody floats to 4500.
        Assert.Equal(0, report.NatTraversal);
        Assert.Equal(30, report.Deleted);
        Assert.Equal(30, responder.Count(IkeSaState.Deleted));
        Assert.Equal(30, swarm.Outcomes.Select(o => o.Identity).Distinct().Count());
        // Every setup allocates at least its messages and SA state (here the responder's too: same process).
        Assert.True(report.LoadGenAllocatedBytesPerSetup > 1024, report.ToText());
    }

    [Fact]
    public async Task Swarm_EapMsChapV2_EstablishedWithVirtualIps()
    {
        var users = Enumerable.Range(1, 12).ToDictionary(n => $"client-{n}@loadgen", _ => "user-password");
        using var responder = new LoopbackResponder("loop-psk", users);
        using var swarm = new LoadSwarm(Options(responder, 12, "loop-psk") with { EapMsChapV2Password = "user-password" });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Established == 12, report.ToText());
        Assert.Equal(12, report.DistinctVirtualIps);
        Assert.Equal(12, responder.Count(IkeSaState.Established));
    }

    [Fact]
    public async Task Swarm_EapMsChapV2WrongPassword_CountsAuthenticationFailed()
    {
        using var responder = new LoopbackResponder("loop-psk", new Dictionary<string, string> { ["client-1@loadgen"] = "right" });
        using var swarm = new LoadSwarm(Options(responder, 3, "loop-psk") with { EapMsChapV2Password = "wrong" });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new Dictionary<string, int> { ["AUTHENTICATION_FAILED"] = 3 }, report.FailuresByCause);
    }

    [Fact]
    public async Task Swarm_WrongPskAgainstOurResponder_CountsAuthenticationFailed()
    {
        using var responder = new LoopbackResponder("loop-psk");
        using var swarm = new LoadSwarm(Options(responder, 10, "wrong") with { ReuseDh = true });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new Dictionary<string, int> { ["AUTHENTICATION_FAILED"] = 10 }, report.FailuresByCause);
        Assert.Equal(0, responder.Count(IkeSaState.Established));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Swarm_ClientCertificate_EstablishedWithSubjectIdentity(bool rsa)
    {
        using var pki = new LoopbackPki(rsa: rsa);
        using var responder = new LoopbackResponder("unused", certificate: pki.Gateway());
        using var swarm = new LoadSwarm(Options(responder, 12, "") with
        {
            CertificateFile = pki.CertFile, KeyFile = pki.KeyFile, CaFile = pki.CaFile, RemoteIdentity = "gw.loopback.test",
        });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Established == 12, report.ToText());
        Assert.Equal(12, report.DistinctVirtualIps);
        Assert.Equal(12, responder.Count(IkeSaState.Established));
        Assert.All(swarm.Outcomes, o => Assert.Equal("C=CH, O=Loopback, CN=swarm client", o.Identity));
    }

    [Fact]
    public async Task Swarm_EapTls_EstablishedWithTheCertificateInsideEap()
    {
        using var pki = new LoopbackPki();
        using var responder = new LoopbackResponder("unused", certificate: pki.Gateway(), eapTls: true);
        using var swarm = new LoadSwarm(Options(responder, 6, "") with
        {
            CertificateFile = pki.CertFile, KeyFile = pki.KeyFile, CaFile = pki.CaFile, RemoteIdentity = "gw.loopback.test", EapTls = true,
        });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(report.Established == 6, report.ToText());
        Assert.Equal(6, responder.Count(IkeSaState.Established));
    }

    [Fact]
    public async Task Swarm_ClientCertificateFromAnotherCa_CountsAuthenticationFailed()
    {
        using var gatewayPki = new LoopbackPki();
        using var otherPki = new LoopbackPki("C=CH, O=Other, CN=Other Root CA");
        using var responder = new LoopbackResponder("unused", certificate: gatewayPki.Gateway());
        using var swarm = new LoadSwarm(Options(responder, 4, "") with
        {
            CertificateFile = otherPki.CertFile, KeyFile = otherPki.KeyFile, CaFile = gatewayPki.CaFile, RemoteIdentity = "gw.loopback.test",
        });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new Dictionary<string, int> { ["AUTHENTICATION_FAILED"] = 4 }, report.FailuresByCause);
        Assert.Equal(0, responder.Count(IkeSaState.Established));
    }

    [Fact]
    public async Task Swarm_GatewayFromAnotherCa_EveryClientFails()
    {
        using var gatewayPki = new LoopbackPki();
        using var otherPki = new LoopbackPki("C=CH, O=Other, CN=Other Root CA");
        using var responder = new LoopbackResponder("unused", certificate: gatewayPki.Gateway());
        using var swarm = new LoadSwarm(Options(responder, 3, "") with
        {
            CertificateFile = gatewayPki.CertFile, KeyFile = gatewayPki.KeyFile, CaFile = otherPki.CaFile, RemoteIdentity = "gw.loopback.test",
        });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, report.Established);
        Assert.Equal(3, report.Failed);
    }
}
