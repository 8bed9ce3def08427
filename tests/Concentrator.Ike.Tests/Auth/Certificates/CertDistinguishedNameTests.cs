using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>strongSwan's text DNs, their DER and DN patterns in remote.id.</summary>
public class CertDistinguishedNameTests
{
    [Fact]
    public void Parse_StrongSwanOrder_SameDerAsTheBclForReversedText()
    {
        Assert.True(DistinguishedName.TryParse("C=CH, O=Example, CN=gw", out DistinguishedName? dn));
        var bcl = new X500DistinguishedName("CN=gw, O=Example, C=CH");

        Assert.Equal(bcl.RawData, dn!.ToDer());
        Assert.Equal("C=CH, O=Example, CN=gw", dn.ToString());
    }

    [Theory]
    [InlineData("gw.example.org")]
    [InlineData("user@example.org")]
    [InlineData("CN")]
    [InlineData("Foo=bar")]
    public void TryParse_NotADn_False(string text)
    {
        Assert.False(DistinguishedName.TryParse(text, out _));
    }

    [Fact]
    public void IdentityParse_DnText_IsDerAsn1Dn()
    {
        IkeIdentity id = IkeIdentity.Parse("C=CH, O=Example, CN=carol");

        Assert.Equal(IdType.DerAsn1Dn, id.Type);
        Assert.Equal("C=CH, O=Example, CN=carol", id.ToString());
    }

    [Fact]
    public void Match_ExactBeatsWildcardBeatsAny()
    {
        IkeIdentity peer = IkeIdentity.Parse("C=CH, O=Example, CN=carol");
        int exact = IkeIdentity.Parse("c=ch, o=example, cn=carol").Match(peer);
        int wildcard = IkeIdentity.Parse("C=CH, O=Example, CN=*").Match(peer);
        int any = IkeIdentity.Any.Match(peer);

        Assert.True(exact > wildcard, $"{exact} > {wildcard}");
        Assert.True(wildcard > any, $"{wildcard} > {any}");
    }

    [Theory]
    [InlineData("C=CH, O=Other, CN=*")]
    [InlineData("C=CH, CN=*")]
    [InlineData("C=CH, O=Example, OU=Sales, CN=*")]
    [InlineData("C=CH, O=Example, CN=dave")]
    public void Match_DnPatternOfOtherName_Zero(string pattern)
    {
        Assert.Equal(0, IkeIdentity.Parse(pattern).Match(IkeIdentity.Parse("C=CH, O=Example, CN=carol")));
    }

    [Fact]
    public void TryFromDer_Garbage_False()
    {
        Assert.False(DistinguishedName.TryFromDer([0x30, 0x05, 0x31, 0x03, 0x30], out _));
    }
}
