using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Sa.Connections;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;
using Concentrator.Server.Sa;
using Concentrator.Server.Tests.Interfaces;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>The node's cache of validated peer chains: sized by concentrator.certificates.chain-cache-size, handed to every
/// handshake the node offers, off at 0, and emptied when a new set of connections is offered (a reload).</summary>
public sealed class NodeWiringChainCacheTests : TestKit
{
    private static ServerSettings Server(string hocon = "") => ServerSettings.From(ConfigurationFactory.ParseString(hocon), "HOCON.conf");

    private (ValidatedChainCache? Offered, NodeWiring Wiring) Offer(ServerSettings server)
    {
        var wiring = new NodeWiring(Sys, TestActor, server, null, null);
        var connection = InterfaceActorTests.Connection("rw", "no", "10.1.0.0/24");
        var candidate = new ConnectionCandidate("rw", ResponderConfig.For(connection, Secrets.Empty, server))
        {
            Tag = new ConnectionHome("rw", TestActor, IkeSaActorSettings.For(server, connection), null),
        };
        var (_, environment) = wiring.Offer([candidate]);
        return (environment.Services.ValidatedChains, wiring);
    }

    [Fact]
    public void Offer_Default_EveryHandshakeGetsTheNodesCache()
    {
        var (offered, wiring) = Offer(Server());

        Assert.NotNull(offered);
        Assert.Same(wiring.ValidatedChains, offered);
        Assert.Equal(10000, offered.Capacity);
    }

    [Fact]
    public void Offer_SizeZero_NoCache()
    {
        var (offered, wiring) = Offer(Server("concentrator.certificates.chain-cache-size = 0"));

        Assert.Null(offered);
        Assert.Null(wiring.ValidatedChains);
    }

    [Fact]
    public void Offer_AgainAsAReloadDoes_ForgetsEveryChain()
    {
        var (offered, wiring) = Offer(Server("concentrator.certificates.chain-cache-size = 5"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var policy = new TrustPolicy([ca]);
        ChainVerdict verdict = ChainValidator.Validate(policy, ca, [], DateTimeOffset.UtcNow, null, false, keep: true, out ValidatedChain? chain);
        Assert.True(verdict.IsOk, verdict.Detail);
        offered!.Add(offered.KeyOf(policy, [ca.RawData]), chain!);
        Assert.Equal(1, offered.Count);

        var connection = InterfaceActorTests.Connection("rw", "no", "10.1.0.0/24");
        var server = wiring.Server;
        wiring.Offer([new ConnectionCandidate("rw", ResponderConfig.For(connection, Secrets.Empty, server))
        {
            Tag = new ConnectionHome("rw", TestActor, IkeSaActorSettings.For(server, connection), null),
        }]);

        Assert.Equal(0, offered.Count);
    }
}
