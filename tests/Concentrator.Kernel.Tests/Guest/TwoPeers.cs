namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// Two network namespaces joined by a veth pair, the underlay of a route-based tunnel test: peer A has
/// 198.51.100.1 on "va", peer B 198.51.100.2 on "vb" (TEST-NET-2, only inside these namespaces). Each
/// test gets its own pair (names carry a tag), and disposing deletes both namespaces with all they hold
/// (links, XFRM states and policies are per namespace).
/// </summary>
internal sealed class TwoPeers : IDisposable
{
    public const string OuterA = "198.51.100.1";
    public const string OuterB = "198.51.100.2";

    public TwoPeers(string tag)
    {
        A = "cg-" + tag + "-a";
        B = "cg-" + tag + "-b";
        if (File.Exists(PathOf(A)) || File.Exists(PathOf(B)))
        {
            Dispose(); // left over from an earlier run by hand; a fresh guest has none
        }

        Tool.IpBatch(null, $"netns add {A}", $"netns add {B}", $"link add va-{tag} type veth peer name vb-{tag}",
            $"link set va-{tag} netns {A}", $"link set vb-{tag} netns {B}");
        Tool.IpBatch(A, $"link set va-{tag} name va", "link set lo up", "link set va up", $"addr add {OuterA}/24 dev va");
        Tool.IpBatch(B, $"link set vb-{tag} name vb", "link set lo up", "link set vb up", $"addr add {OuterB}/24 dev vb");
    }

    public string A { get; }
    public string B { get; }

    /// <summary>Path for setns(2), what NetworkNamespace.Run and namespace-bound netlink sockets take.</summary>
    public static string PathOf(string ns) => "/run/netns/" + ns;

    public void Dispose() => Tool.Run("ip", ["-force", "-batch", "-"], input: $"netns del {A}\nnetns del {B}\n");
}
