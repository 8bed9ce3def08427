using System.Net;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>The gateway's session moving an established client (RFC 5685 §5, <c>drain --established</c>): REDIRECT in an
/// INFORMATIONAL only to a client that announced support, and a Delete of its own if the client does not delete.</summary>
public class IkeSaSessionRedirectTests
{
    private static readonly IPAddress Target = IPAddress.Parse("198.51.100.2");

    private static SessionHarness FollowingClient()
    {
        var h = new SessionHarness();
        IkeSa plain = h.Client;
        h.Client = IkeSa.CreateInitiator(plain.Config with { AnnounceRedirectSupport = true },
            new IkeSaServices { Time = h.Time, Random = new SeededRandom(1) }, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        plain.Dispose();
        return h;
    }

    [Fact]
    public void OnRedirect_ClientAnnouncedSupport_SendsRedirectAndArmsTheFallbackDelete()
    {
        using SessionHarness h = FollowingClient();
        h.Establish();

        IReadOnlyList<IkeSaEffect> fx = h.Session.OnRedirect(Target, out bool sent);
        List<byte[]> answers = h.ToClient(fx);

        Assert.True(sent);
        Assert.Equal(Target, h.Client.RedirectedTo);
        Assert.Equal(TimeSpan.FromSeconds(30), SessionHarness.Armed(fx, IkeSaTimer.Redirected).Due);
        Assert.Empty(SessionHarness.Sent(h.FromClient(Assert.Single(answers))));
    }

    [Fact]
    public void OnRedirectFallback_ClientDidNotDelete_GatewayDeletesTheIkeSa()
    {
        using SessionHarness h = FollowingClient();
        h.Establish();
        List<byte[]> answers = h.ToClient(h.Session.OnRedirect(Target, out _));
        h.FromClient(Assert.Single(answers));

        h.ToClient(h.Session.OnTimer(IkeSaTimer.Redirected, null));

        Assert.Equal(IkeSaState.Deleted, h.Client.State);
    }

    [Fact]
    public void OnRedirect_ClientWithoutRedirectSupported_NothingSent()
    {
        using var h = new SessionHarness();
        h.Establish();

        IReadOnlyList<IkeSaEffect> fx = h.Session.OnRedirect(Target, out bool sent);

        Assert.False(sent);
        Assert.Empty(SessionHarness.Sent(fx));
        Assert.Null(h.Client.RedirectedTo);
    }
}
