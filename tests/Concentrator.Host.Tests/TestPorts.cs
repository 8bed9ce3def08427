using System.Net;
using System.Net.Sockets;

namespace Concentrator.Host.Tests;

internal static class TestPorts
{
    /// <summary>Two distinct UDP ports free on 127.0.0.1 a moment ago (the IKE and NAT-T ports of a test node).</summary>
    public static (int Port, int NatT) FreePair()
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (((IPEndPoint)a.LocalEndPoint!).Port, ((IPEndPoint)b.LocalEndPoint!).Port);
    }
}
