using System.Net.Sockets;
using Concentrator.Host.Management;

namespace Concentrator.Host.Tests.Management;

public sealed class PeerCredentialsTests
{
    [Fact]
    public async Task Of_ConnectedUnixSocket_ThisProcessAsRoot()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "peer.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var accepted = await listener.AcceptAsync();

        var peer = PeerCredentials.Of(accepted);

        Assert.Equal(new PeerCredentials(Environment.ProcessId, 0, 0), peer);
    }

    [Theory]
    [InlineData(0, 0, null, true)]
    [InlineData(1000, 1000, null, false)]
    [InlineData(1000, 1000, 1000, true)]
    [InlineData(1000, 1000, 4242, true)]
    [InlineData(1000, 1000, 4343, false)]
    public void IsAllowed_RootOrGroupMember_OnlyThose(int uid, int gid, int? group, bool allowed)
    {
        var peer = new PeerCredentials(77, uid, gid);

        Assert.Equal(allowed, peer.IsAllowed(group, pid => pid == 77 ? [27, 4242] : []));
    }

    [Fact]
    public void IdOf_GroupFile_ReadsNamesAndNumbers()
    {
        using var dir = new TempDir();
        var file = dir.Write("group", "root:x:0:\nvpnops:x:4242:alice,bob\n");

        Assert.Equal(4242, UnixGroups.IdOf("vpnops", file));
        Assert.Equal(17, UnixGroups.IdOf("17", file));
        Assert.Null(UnixGroups.IdOf("nobody-here", file));
    }

    [Fact]
    public void ListedGroupsOf_UserInMemberLists_ThoseGroups()
    {
        using var dir = new TempDir();
        var passwd = dir.Write("passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        var group = dir.Write("group", "root:x:0:\nvpnops:x:4242:bob,alice\nother:x:4343:bob\n");

        Assert.Equal([4242], UnixGroups.ListedGroupsOf(1000, passwd, group));
        Assert.Empty(UnixGroups.ListedGroupsOf(1001, passwd, group));
    }
}
