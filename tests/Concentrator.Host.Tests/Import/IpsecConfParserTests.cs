using Concentrator.Host.Import.Libreswan;

namespace Concentrator.Host.Tests.Import;

public sealed class IpsecConfParserTests
{
    [Fact]
    public void Parse_SectionsCommentsQuotesAndIncludes_InFileOrderWithLines()
    {
        using var dir = new TempDir();
        dir.Write("ipsec.d/b.conf", "conn b\n\tleft=192.0.2.2\n");
        dir.Write("ipsec.d/a.conf", "conn a\n\tleft=192.0.2.1\n");
        var main = dir.Write("ipsec.conf", """
            version 2.0
            config setup
            	uniqueids=no   # a comment
            conn first
            	leftid="@gw # not a comment"
            	also=x
            	also=y
            include ipsec.d/*.conf
            include missing/*.conf
            """);

        var conf = IpsecConfParser.Parse(main);

        Assert.Equal("uniqueids=no", Assert.Single(conf.Setup) is var s ? $"{s.Key}={s.Value}" : "");
        Assert.Equal(["first", "a", "b"], conf.Conns.Select(c => c.Name));
        var first = conf.Conns[0].Settings;
        Assert.Equal(["leftid", "also", "also"], first.Select(x => x.Key));
        Assert.Equal("@gw # not a comment", first[0].Value);
        Assert.Equal(5, first[0].Line);
        Assert.EndsWith("a.conf", conf.Conns[1].File, StringComparison.Ordinal);
        Assert.Contains(conf.Warnings, w => w.Key == "include" && w.Message.Contains("missing/*.conf", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_KeySetTwice_WarnsAndTakesTheLater()
    {
        var conf = IpsecConfParser.ParseText("conn c\n\tleft=192.0.2.1\n\tleft=192.0.2.9\n", "t.conf");

        Assert.Equal("192.0.2.9", Assert.Single(conf.Conns[0].Settings).Value);
        Assert.Equal("t.conf:3: conn c: left: set twice in one section (line 2 too): libreswan refuses that; the later value is taken", Assert.Single(conf.Warnings).ToString());
    }

    [Fact]
    public void Resolve_AlsoChainAndDefault_OwnKeysWinThenAlsoInOrderThenDefault()
    {
        var conf = IpsecConfParser.ParseText("""
            conn %default
            	authby=rsasig
            	ikelifetime=1h
            conn base1
            	authby=secret
            	leftid=@one
            conn base2
            	leftid=@two
            	rightid=@peer
            conn c
            	leftid=@own
            	also=base1 base2
            """, "t.conf");

        var c = ConnResolver.Resolve(conf.Conns.Single(x => x.Name == "c"), conf.Conns);

        Assert.Equal("@own", c.Get("leftid"));
        Assert.Equal("secret", c.Get("authby"));
        Assert.Equal("@peer", c.Get("rightid"));
        Assert.Equal("1h", c.Get("ikelifetime"));
        Assert.Null(c.Get("also"));
    }

    [Fact]
    public void Resolve_AlsoLoop_RefusedNamingTheChain()
    {
        var conf = IpsecConfParser.ParseText("conn a\n\talso=b\nconn b\n\talso=a\n", "t.conf");

        var e = Assert.Throws<ConnRefusedException>(() => ConnResolver.Resolve(conf.Conns[0], conf.Conns));

        Assert.Contains("a → b → a", e.Reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSecrets_SelectorsKindsContinuationsAndIncludes()
    {
        using var dir = new TempDir();
        dir.Write("more.secrets", "@carol : PSK 0x0102\n");
        var path = dir.Write("ipsec.secrets", """
            # comment
            @east @west : PSK "quoted # secret"
            : PSK "for anyone"
            2001:db8::1 %any: PSK "v6"
            @east : RSA {
            	Modulus: 0x00
            	}
            include more.secrets
            """);
        var warnings = new List<ImportWarning>();

        var entries = IpsecSecretsParser.Parse(path, warnings);

        Assert.Empty(warnings);
        Assert.Equal(["@east @west|PSK|quoted # secret", "|PSK|for anyone", "2001:db8::1 %any|PSK|v6", "@east|RSA|{ Modulus: 0x00 }", "@carol|PSK|0x0102"],
            entries.Select(e => $"{string.Join(' ', e.Selectors)}|{e.Kind}|{e.Value}"));
    }
}
