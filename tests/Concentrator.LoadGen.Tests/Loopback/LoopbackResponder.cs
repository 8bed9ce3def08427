using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.LoadGen.Tests.Loopback;

/// <summary>Our own responder (Concentrator.Ike's IkeSa) behind one UDP socket on 127.0.0.1: the ring of swarm
/// tests that needs neither root nor strongSwan. One receive loop, SAs by initiator SPI.</summary>
internal sealed class LoopbackResponder : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Dictionary<ulong, IkeSa> _sas = [];
    private readonly IkeSaConfig _config;
    private readonly IkeSaServices _services;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lock _lock = new();

    /// <summary><paramref name="eapUsers"/>: serve EAP-MSCHAPv2 clients with these users instead of PSK clients;
    /// <paramref name="certificate"/>: authenticate with it and check clients' certificates with its CAs;
    /// <paramref name="eapTls"/>: with <paramref name="certificate"/>, its clients authenticate inside EAP-TLS.</summary>
    public LoopbackResponder(string psk, IReadOnlyDictionary<string, string>? eapUsers = null, PubkeyAuthenticator? certificate = null, bool eapTls = false)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
        var authenticator = new PskAuthenticator(new PskStore().Add("%any", psk).Lookup);
        _config = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519"),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16"),
            LocalIdentity = IkeIdentity.Parse("gw.loopback.test"),
            LocalAuthenticator = authenticator,
            RemoteAuthenticators = [authenticator],
        };
        if (eapUsers is not null)
        {
            byte[]? Users(string user) => eapUsers.TryGetValue(user, out string? password) ? System.Text.Encoding.UTF8.GetBytes(password) : null;
            _config = _config with
            {
                RemoteAuthenticators = [],
                RemoteEap = new EapServerConfig(() => new Concentrator.Ike.Auth.Eap.EapMsChapV2Server(Users, Concentrator.Ike.Crypto.SystemRandomSource.Instance)),
            };
        }

        if (certificate is not null)
        {
            _config = _config with { LocalAuthenticator = certificate, RemoteAuthenticators = [certificate] };
            if (eapTls)
            {
                var settings = new Concentrator.Ike.Auth.Eap.Tls.EapTlsSettings(certificate.Local!, certificate.Trust!, TimeProvider.System);
                _config = _config with
                {
                    RemoteAuthenticators = [],
                    RemoteEap = new EapServerConfig(() => new Concentrator.Ike.Auth.Eap.Tls.EapTlsServer(settings)),
                };
            }
        }

        _services = new IkeSaServices { AddressAllocator = new CountingAllocator() };
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>SAs in each state, as the responder sees them.</summary>
    public int Count(IkeSaState state)
    {
        lock (_lock)
        {
            return _sas.Values.Count(s => s.State == state);
        }
    }

    private async Task LoopAsync()
    {
        byte[] buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            byte[] datagram = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
            var from = (IPEndPoint)r.RemoteEndPoint;
            if (datagram.Length < 28)
            {
                continue;
            }

            IkeSaResult result;
            lock (_lock)
            {
                ulong spiI = BinaryPrimitives.ReadUInt64BigEndian(datagram);
                if (!_sas.TryGetValue(spiI, out IkeSa? sa))
                {
                    sa = IkeSa.CreateResponder(_config, _services, Endpoint, from);
                    _sas[spiI] = sa;
                }

                result = sa.Process(datagram, from, Endpoint);
            }

            foreach (byte[] d in result.Outbound)
            {
                await _socket.SendToAsync(d, SocketFlags.None, from);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        _stop.Dispose();
        foreach (IkeSa sa in _sas.Values)
        {
            sa.Dispose();
        }
    }

    /// <summary>10.99.x.y, each address once.</summary>
    private sealed class CountingAllocator : IAddressAllocator
    {
        private int _next;

        public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
        {
            int n = Interlocked.Increment(ref _next);
            return family == AddressFamily.InterNetwork ? new IPAddress([10, 99, (byte)(n >> 8), (byte)n]) : null;
        }

        public void Release(IPAddress address, ulong owner)
        {
        }
    }
}
