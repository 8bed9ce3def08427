using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Our initiator IkeSa (the client) against an <see cref="IkeSaSession"/> (the concentrator's side), in
/// memory with a fake clock: what the session sends reaches the client only through its <see cref="IkeSaEffect.Send"/>s.</summary>
internal sealed class SessionHarness : IDisposable
{
    private uint _nextReqid = 100;

    public SessionHarness(Func<IkeSaSessionSettings, IkeSaSessionSettings>? tweak = null, int clientSeed = 1, int serverSeed = 2,
        Func<IkeSaConfig, IkeSaConfig>? serverTweak = null)
    {
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", [Ike], ["aes256gcm16"], c => c with
        {
            RequestVirtualIp4 = true,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
        });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", [Ike], ["aes256gcm16"], c => c with
        {
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
        });
        server = serverTweak is null ? server : serverTweak(server);
        var settings = new IkeSaSessionSettings(n => TimeSpan.FromSeconds(4 << n), 3, TimeSpan.FromSeconds(30),
            TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(150), TimeSpan.Zero, TimeSpan.FromSeconds(10), () => _nextReqid++);
        Client = IkeSa.CreateInitiator(client, new IkeSaServices { Time = Time, Random = new SeededRandom(clientSeed) },
            SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Session = IkeSaSession.Responder(server, new IkeSaServices
        {
            Time = Time,
            Random = new SeededRandom(serverSeed),
            AddressAllocator = new ListAllocator("10.99.0.1"),
        }, SaPair.ServerEndpoint, SaPair.ClientEndpoint, tweak is null ? settings : tweak(settings));
    }

    public const string Ike = "aes256gcm16-prfsha256-x25519";

    public ManualTime Time { get; } = new();

    public IkeSa Client { get; set; }

    public IkeSaSession Session { get; }

    /// <summary>A datagram of the client, routed by its header's SPIr as the socket does.</summary>
    public IReadOnlyList<IkeSaEffect> FromClient(byte[] datagram) =>
        Session.OnDatagram(datagram, IkeHeader.Read(datagram).ResponderSpi, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

    /// <summary>The client processes what <paramref name="effects"/> send; its own datagrams come back.</summary>
    public List<byte[]> ToClient(IEnumerable<IkeSaEffect> effects, IkeSa? client = null)
    {
        var answers = new List<byte[]>();
        foreach (byte[] datagram in Sent(effects))
        {
            IkeSaResult result = (client ?? Client).Process(datagram, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
            Assert.False(result.IsDropped, result.Detail);
            answers.AddRange(result.Outbound);
        }

        return answers;
    }

    /// <summary>IKE_SA_INIT, then IKE_AUTH up to the session's answer held for the kernel.</summary>
    public IReadOnlyList<IkeSaEffect> UpToIkeAuth()
    {
        Session.Start();
        List<byte[]> auth = ToClient(FromClient(Client.Initiate().Message!));
        return FromClient(Assert.Single(auth));
    }

    /// <summary>An established SA with one CHILD SA in the kernel; the install that put it there.</summary>
    public IkeSaEffect.Install Establish()
    {
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(UpToIkeAuth());
        Assert.Empty(ToClient(Session.OnKernelDone(install.CorrelationId)));
        Assert.Equal(IkeSaState.Established, Client.State);
        return install;
    }

    public static List<byte[]> Sent(IEnumerable<IkeSaEffect> effects) =>
        effects.OfType<IkeSaEffect.Send>().SelectMany(s => s.Datagrams).ToList();

    public static T One<T>(IEnumerable<IkeSaEffect> effects) => Assert.Single(effects.OfType<T>());

    public static IkeSaEffect.Arm Armed(IEnumerable<IkeSaEffect> effects, IkeSaTimer timer) =>
        Assert.Single(effects.OfType<IkeSaEffect.Arm>(), a => a.Timer == timer);

    public void Dispose()
    {
        Client.Dispose();
        Session.OnStopped();
    }
}
