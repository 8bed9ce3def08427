using Akka.Cluster;

namespace Concentrator.Server.Cluster;

/// <summary>How a member is named as a block owner: its address and the uid of this incarnation, so a node that
/// restarts on the same address is a new owner (its old incarnation's blocks are freed when that one is removed).</summary>
public static class BlockOwner
{
    public static string Of(UniqueAddress member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return $"{member.Address}#{member.Uid}";
    }
}
