using Concentrator.Host.Configuration;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.Admission;

/// <summary>Starts a ConcentratorNode (userspace dataplane, one PSK connection) from HOCON through the host's
/// loader, with <paramref name="ike"/> as the body of <c>concentrator.ike</c>.</summary>
internal static class TestNode
{
    public const string Identity = "road@admit.test";
    public const string Secret = "admit-secret-0123456789";

    public static Task<ConcentratorNode> StartAsync(TempDir dir, string ike)
    {
        dir.Write("conns/admit.conf", $$"""
            admit {
              local { id = "gw.admit.test", auth = psk }
              remote { id = "{{Identity}}", auth = psk }
              ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
              esp-proposals = [ "aes256gcm16" ]
              local-ts = [ "198.51.100.0/24" ]
              pools = [ "10.231.9.0/24" ]
              ipsec-interface = no
            }
            secrets { "{{Identity}}" = "{{Secret}}" }
            """);
        var main = dir.Write("main.conf", $$"""
            concentrator {
              config-dir = "conns"
              dataplane = userspace
              leases.path = ""
              ike { {{ike}} }
            }
            akka.loglevel = WARNING
            """);
        var definition = ConfigLoader.Load(main).ToNodeDefinition();
        return ConcentratorNode.StartAsync(definition);
    }
}
