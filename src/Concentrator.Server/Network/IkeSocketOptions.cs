using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Concentrator.Server.Config;

namespace Concentrator.Server.Network;

/// <summary>
/// Where the IKE sockets listen. Port 0 (tests) lets the system pick. A wildcard address ("0.0.0.0", "::") is
/// expanded to every unicast address of that family present at start, and each gets a socket of its own: a
/// reply must leave from the address the request arrived on (RFC 7296 section 2.11), and a socket bound to one
/// address does that without IP_PKTINFO control messages, which .NET's Socket cannot send. The price: addresses
/// added after start are not served until restart (libreswan has the same rule until it rescans interfaces).
/// </summary>
public sealed record IkeSocketOptions(IReadOnlyList<IPAddress> Listen, int Port, int NatTPort)
{
    /// <summary>
    /// Sets UDP_ENCAP = UDP_ENCAP_ESPINUDP on the NAT-T sockets, so the kernel takes ESP-in-UDP off them and
    /// decrypts it with its XFRM states (RFC 3948) and swallows NAT-keepalives; IKE behind the non-ESP marker still
    /// reaches the socket, marker included. True for the kernel dataplane; false for the userspace one, which reads ESP from the socket.
    /// </summary>
    public bool KernelEspInUdp { get; init; }

    /// <summary>
    /// Set when another component already owns the NAT-T port (the userspace dataplane reads ESP-in-UDP from
    /// it): the actor then binds only the IKE port, takes NAT-T IKE messages as <see cref="InjectIke"/> and
    /// sends its NAT-T messages through this transport instead of a socket of its own.
    /// </summary>
    public ExternalNatTransport? ExternalNatT { get; init; }

    /// <summary>Give every IKE socket the per-socket IPsec bypass policy (on by default; see IkeSocketActor.Bypass).</summary>
    public bool BypassIpsecPolicies { get; init; } = true;

    /// <summary>Whether one address that cannot be bound fails the start (<see cref="SocketStartFailed"/>) or is
    /// only warned about (<c>concentrator.ike.bind</c>).</summary>
    public BindMode Bind { get; init; } = BindMode.Strict;

    /// <summary>Node-wide counters of datagrams that end before an IKE SA exists (shared with the dispatcher).</summary>
    public DatagramDrops Drops { get; init; } = new();

    /// <summary>How many IKE_SA_INIT requests may wait in the dispatcher's mailbox; beyond, new ones are dropped
    /// (<see cref="DatagramDrop.Backlog"/>) so that a flood faster than the dispatcher cannot grow memory.</summary>
    public int NewSaBacklog { get; init; } = 4096;

    /// <summary>The rate of INVALID_IKE_SPI answers (<c>concentrator.ike.invalid-spi-notify</c>).</summary>
    public InvalidSpiNotifySettings InvalidSpiNotify { get; init; } = new(100, 100);

    /// <summary>Creates the unbound UDP socket for a family; null = an ordinary socket of this process's network
    /// namespace (tests create theirs inside another namespace).</summary>
    public Func<AddressFamily, Socket>? SocketFactory { get; init; }

    public static IkeSocketOptions From(ServerSettings settings, bool kernelEspInUdp) =>
        new(settings.Listen, settings.Port, settings.NatTPort) { KernelEspInUdp = kernelEspInUdp, Bind = settings.Bind, InvalidSpiNotify = settings.InvalidSpiNotify };

    /// <summary>The concrete addresses to bind, wildcards expanded (IPv6 link-local addresses left out: peers
    /// reach a concentrator on global addresses, and link-local ones need a scope per interface).</summary>
    public IReadOnlyList<IPAddress> Addresses()
    {
        var result = new List<IPAddress>();
        foreach (var listen in Listen)
        {
            if (listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any))
            {
                result.AddRange(LocalAddresses(listen.AddressFamily));
            }
            else
            {
                result.Add(listen);
            }
        }

        return result.Distinct().ToList();
    }

    private static IEnumerable<IPAddress> LocalAddresses(AddressFamily family) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == family && !a.IsIPv6LinkLocal);
}

/// <summary>A NAT-T port owned elsewhere: <paramref name="Locals"/> are its bound endpoints (one socket each),
/// <paramref name="Send"/> sends an IKE message (without marker; the transport puts the non-ESP marker in front)
/// from one of them to a peer.</summary>
public sealed record ExternalNatTransport(IReadOnlyList<IPEndPoint> Locals, ExternalNatSend Send)
{
    /// <summary>A single socket bound to <paramref name="local"/>; <paramref name="send"/> takes the message and the peer.</summary>
    public ExternalNatTransport(IPEndPoint local, Action<ReadOnlyMemory<byte>, IPEndPoint> send)
        : this([local], (_, remote, message) => send(message, remote))
    {
    }
}

/// <summary>Sends <paramref name="message"/> from the external NAT-T socket bound to <paramref name="local"/> to <paramref name="remote"/>.</summary>
public delegate void ExternalNatSend(IPEndPoint local, IPEndPoint remote, ReadOnlyMemory<byte> message);
