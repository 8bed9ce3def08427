namespace Concentrator.Host.Tests;

public sealed class LeaseStoreStartTests
{
    [Fact]
    public void Run_LeaseStoreNotWritable_ExitsWithConfigErrorNamingKey()
    {
        using var dir = new TempDir();
        var (port, natT) = TestPorts.FreePair();
        var blocker = dir.Write("blocker", "");
        dir.Write("conns/rw.conf", "rw { pools = [ \"10.231.14.0/30\" ], ipsec-interface = no }\nsecrets { \"%any\" = \"x\" }");
        // Below a regular file nothing can be created, not even by root.
        var main = dir.Write("main.conf", "concentrator { config-dir = conns, dataplane = userspace, leases.path = \"" + blocker + "/leases.jsonl\", ike { listen = [ \"127.0.0.1\" ], port = "
            + port + ", nat-t-port = " + natT + " } }\nakka.loglevel = WARNING");
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var code = Program.Run(["run", "--config", main], output, error, stop.Token);

        Assert.Equal(78, code);
        Assert.Contains($"{main}: key 'concentrator.leases.path': expected a file the concentrator can create and write", error.ToString(), StringComparison.Ordinal);
    }
}
