using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Connections;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>
/// The services an SA uses once it chose a connection: the shared record with the connection's pool and identity
/// gate, made once per connection and services record (issue 13: it was a copy per SA).
/// </summary>
public class ConnectionServicesTests
{
    private static readonly IkeSaConfig Config = SaPair.Config("vpn.example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"]);

    [Fact]
    public void ServicesFor_SameServicesTwice_OneCopyWithTheConnectionsPool()
    {
        var pool = new ListAllocator("10.99.0.1");
        var candidate = new ConnectionCandidate("rw", Config) { AddressAllocator = pool };
        var services = new IkeSaServices();

        var first = candidate.ServicesFor(services);
        var second = candidate.ServicesFor(services);

        Assert.Same(first, second);
        Assert.Same(pool, first.AddressAllocator);
        Assert.Null(services.AddressAllocator);
    }

    [Fact]
    public void ServicesFor_OtherServices_ItsOwnCopyFromThoseServices()
    {
        var pool = new ListAllocator("10.99.0.1");
        var candidate = new ConnectionCandidate("rw", Config) { AddressAllocator = pool };
        var plain = new IkeSaServices();
        var redirecting = plain with { RedirectInAuth = System.Net.IPAddress.Parse("192.0.2.9") };

        var fromPlain = candidate.ServicesFor(plain);
        var fromRedirecting = candidate.ServicesFor(redirecting);

        Assert.NotSame(fromPlain, fromRedirecting);
        Assert.Equal(redirecting.RedirectInAuth, fromRedirecting.RedirectInAuth);
        Assert.Null(fromPlain.RedirectInAuth);
        Assert.Same(pool, fromRedirecting.AddressAllocator);
    }
}
