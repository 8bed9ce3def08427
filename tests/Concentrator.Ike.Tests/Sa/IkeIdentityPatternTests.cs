using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>remote.id patterns as strongSwan matches them: exact, <c>*@domain</c>, <c>*.domain</c>, %any, ranked by
/// specificity (ASN.1 DN wildcards come with certificates).</summary>
public class IkeIdentityPatternTests
{
    [Theory]
    [InlineData("*@sales.test", "alice@sales.test", true)]
    [InlineData("*@sales.test", "ALICE@Sales.TEST", true)]
    [InlineData("*@sales.test", "alice@eng.test", false)]
    [InlineData("*@sales.test", "alice@presales.test", false)]
    [InlineData("*@sales.test", "@sales.test", false)]
    [InlineData("*@sales.test", "sales.test", false)]
    [InlineData("*.example.org", "gw.example.org", true)]
    [InlineData("*.example.org", "a.b.EXAMPLE.org", true)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("*.example.org", "badexample.org", false)]
    [InlineData("*.example.org", "x@y.example.org", false)]
    public void Match_Pattern_MatchesDomainSuffixOnly(string pattern, string peer, bool matches)
    {
        Assert.Equal(matches, IkeIdentity.Parse(pattern).Match(IkeIdentity.Parse(peer)) > 0);
    }

    [Fact]
    public void Match_ExactBeatsLongerSuffixBeatsShorterSuffixBeatsAny()
    {
        var peer = IkeIdentity.Parse("alice@emea.sales.test");

        int exact = IkeIdentity.Parse("alice@emea.sales.test").Match(peer);
        int longer = IkeIdentity.Parse("*@emea.sales.test").Match(peer);
        int any = IkeIdentity.Any.Match(peer);

        Assert.True(exact > longer && longer > any && any > 0, $"{exact} > {longer} > {any} > 0");
        Assert.True(IkeIdentity.Parse("*.sales.test").Match(IkeIdentity.Parse("gw.emea.sales.test"))
            < IkeIdentity.Parse("*.emea.sales.test").Match(IkeIdentity.Parse("gw.emea.sales.test")));
    }

    [Theory]
    [InlineData("*@sales.test", true)]
    [InlineData("*.sales.test", true)]
    [InlineData("alice@sales.test", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("%any", false)]
    public void IsPattern_ConfiguredIdentity_OnlyLeadingWildcards(string id, bool pattern)
    {
        Assert.Equal(pattern, IkeIdentity.Parse(id).IsPattern);
    }
}
