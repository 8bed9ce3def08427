using System.Net;
using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Tests.Import;

/// <summary>libreswan's <c>interface-ip=</c> (the address on ipsecN) becomes the written connection's
/// <c>interface-ip</c>, read back by the connection-file loader, without the "no equivalent" warning.</summary>
public sealed class ImportLibreswanInterfaceIpTests
{
    [Fact]
    public void Import_InterfaceIp_BecomesTheConnectionsInterfaceIp()
    {
        using var dir = new TempDir();
        var conf = dir.Write("ipsec.conf",
            "conn routed\n\tleft=192.0.2.1\n\tleftid=@a\n\tright=192.0.2.2\n\trightid=@b\n\tauthby=secret\n\tleftsubnet=0.0.0.0/0\n" +
            "\trightsubnet=0.0.0.0/0\n\tipsec-interface=1\n\tinterface-ip=192.0.2.129/30\n\tauto=add\n");
        var output = Path.Combine(dir.Path, "imported.conf");

        var (code, error) = Run("import-libreswan", conf, "--local", "left", "-o", output);

        Assert.True(code == 0, error);
        var c = Assert.Single(ConnectionFileSettings.From(ConfigurationFactory.ParseString(File.ReadAllText(output)), output).Connections);
        Assert.Equal(new InterfaceAddress(IPAddress.Parse("192.0.2.129"), 30), c.InterfaceIp);
        Assert.DoesNotContain("interface-ip", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_InterfaceIpWithoutIpsecInterface_IsRefusedNamingTheKey()
    {
        using var dir = new TempDir();
        var conf = dir.Write("ipsec.conf",
            "conn routed\n\tleft=192.0.2.1\n\tleftid=@a\n\tright=192.0.2.2\n\trightid=@b\n\tauthby=secret\n\tleftsubnet=10.1.0.0/24\n" +
            "\trightsubnet=10.2.0.0/24\n\tinterface-ip=192.0.2.129/30\n\tauto=add\n");
        var output = Path.Combine(dir.Path, "imported.conf");

        var (code, error) = Run("import-libreswan", conf, "--local", "left", "-o", output);

        Assert.NotEqual(0, code);
        Assert.Contains("interface-ip", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    private static (int Code, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return (code, output.ToString() + error);
    }
}
