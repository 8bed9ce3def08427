using System.CommandLine;
using System.CommandLine.Help;
using System.Net;
using Concentrator.LoadGen.Cli;

namespace Concentrator.LoadGen.Tests.Cli;

public sealed class OptionsParserTests
{
    [Fact]
    public void Parse_FullCommandLine_SetsEveryOption()
    {
        LoadGenOptions o = OptionsParser.Parse(
        [
            "192.0.2.1", "--psk", "s3cret", "--count", "500", "--concurrency", "20", "--hold", "2.5", "--teardown",
            "--id", "u{n}@x", "--ike", "aes128gcm16-prfsha256-ecp256,aes256gcm16-prfsha256-x25519", "--esp", "aes128gcm16",
            "--sockets", "4", "--source", "192.0.2.2,192.0.2.3", "--retransmit", "0.5,2,4", "--reuse-dh",
            "--responder-pid", "77", "--json", "out.json", "--netns", "lg-x",
        ]);

        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 500), o.Target);
        Assert.Equal((500, 20, 2.5, true, "u7@x"), (o.Count, o.Concurrency, o.Hold.TotalSeconds, o.Teardown, o.IdentityOf(7)));
        Assert.Equal(["aes128gcm16-prfsha256-ecp256", "aes256gcm16-prfsha256-x25519"], o.IkeProposals);
        Assert.Equal([IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.3")], o.SourceAddresses);
        Assert.Equal((0.5, 2.0, 4), (o.RetransmitTimeout.TotalSeconds, o.RetransmitBase, o.RetransmitTries));
        Assert.Equal((true, 77, "out.json", "lg-x", 4), (o.ReuseDh, o.ResponderPid, o.JsonPath, o.Netns, o.SocketsPerAddress));
        Assert.Null(o.Rate);
    }

    [Fact]
    public void Parse_RateWithoutConcurrency_LeavesInFlightUnbounded()
    {
        LoadGenOptions o = OptionsParser.Parse(["192.0.2.1:4501", "--psk", "x", "--rate", "200"]);

        Assert.Equal((200.0, 0, 4501), (o.Rate, o.Concurrency, o.Target.Port));
    }

    [Fact]
    public void Parse_EapMsChapV2_PasswordKeptPskStillRequired()
    {
        Assert.Equal("pw", OptionsParser.Parse(["192.0.2.1", "--psk", "x", "--eap-mschapv2", "pw"]).EapMsChapV2Password);
        Assert.Null(OptionsParser.Parse(["192.0.2.1", "--psk", "x"]).EapMsChapV2Password);
        Assert.Throws<FormatException>(() => OptionsParser.Parse(["192.0.2.1", "--eap-mschapv2", "pw"]));
    }

    [Fact]
    public void Parse_CertKeyCa_FilesKeptNoPskNeededIdentityFromCertificate()
    {
        LoadGenOptions o = OptionsParser.Parse(["192.0.2.1", "--cert", "c.pem", "--key", "c.key", "--ca", "ca.pem"]);

        Assert.Equal(("c.pem", "c.key", "ca.pem", "", null), (o.CertificateFile, o.KeyFile, o.CaFile, o.Psk, o.IdentityTemplate));
        Assert.Null(OptionsParser.Parse(["192.0.2.1", "--psk", "x"]).CertificateFile);
    }

    [Fact]
    public void Parse_EapTls_NeedsTheCertificate()
    {
        Assert.True(OptionsParser.Parse(["192.0.2.1", "--cert", "c.pem", "--key", "c.key", "--ca", "ca.pem", "--eap-tls"]).EapTls);
        Assert.False(OptionsParser.Parse(["192.0.2.1", "--cert", "c.pem", "--key", "c.key", "--ca", "ca.pem"]).EapTls);
        var e = Assert.Throws<FormatException>(() => OptionsParser.Parse(["192.0.2.1", "--psk", "x", "--eap-tls"]));
        Assert.Contains("--eap-tls needs --cert", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("192.0.2.1", "--psk", "x", "--count", "0")]
    [InlineData("192.0.2.1", "--count", "3")]
    [InlineData("192.0.2.1", "--cert", "c.pem", "--key", "c.key")]
    [InlineData("192.0.2.1", "--cert", "c.pem", "--ca", "ca.pem")]
    [InlineData("192.0.2.1", "--cert", "c.pem", "--key", "c.key", "--ca", "ca.pem", "--eap-mschapv2", "pw")]
    [InlineData("192.0.2.1", "--psk", "x", "--bogus")]
    [InlineData("--psk", "x")]
    [InlineData("not-an-ip", "--psk", "x")]
    [InlineData("192.0.2.1", "--psk", "x", "--concurrency", "0")]
    [InlineData("192.0.2.1", "--psk")]
    [InlineData("192.0.2.1", "--psk", "x", "--count", "many")]
    [InlineData("192.0.2.1", "--psk", "x", "--retransmit", "1,2")]
    [InlineData("192.0.2.1", "--psk", "x", "--rate", "0")]
    [InlineData("192.0.2.1", "192.0.2.2", "--psk", "x")]
    public void Parse_BadCommandLine_ThrowsFormatException(params string[] args)
    {
        Assert.Throws<FormatException>(() => OptionsParser.Parse(args));
    }

    [Fact]
    public void Parse_OnlyTargetAndPsk_Defaults()
    {
        LoadGenOptions o = OptionsParser.Parse(["192.0.2.1", "--psk", "x"]);

        Assert.Equal((100, 10, 16, 4500, true, "client-3@loadgen"), (o.Count, o.Concurrency, o.SocketsPerAddress, o.NatTraversalPort, o.RequestVirtualIp, o.IdentityOf(3)));
        Assert.Equal((1.0, 1.8, 3), (o.RetransmitTimeout.TotalSeconds, o.RetransmitBase, o.RetransmitTries));
        Assert.Equal(TimeSpan.FromSeconds(1), o.ProgressInterval);
    }

    [Fact]
    public void Help_ListsEveryOption()
    {
        var result = OptionsParser.Command().Parse(["--help"]);
        using var output = new StringWriter();

        Assert.IsType<HelpAction>(result.Action);
        Assert.Equal(0, result.Invoke(new InvocationConfiguration { Output = output }));
        foreach (var option in new[] { "--psk", "--count", "--rate", "--concurrency", "--hold", "--teardown", "--id", "--remote-id", "--ike", "--esp",
                     "--no-vip", "--sockets", "--source", "--nat-t-port", "--retransmit", "--reuse-dh", "--responder-pid", "--json", "--netns", "--quiet",
                     "--cert", "--key", "--ca" })
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }
}
