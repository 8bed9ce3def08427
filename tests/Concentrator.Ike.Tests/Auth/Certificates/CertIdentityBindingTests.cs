using System.Net;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>IDi/IDr bound to the certificate: subject DN or a subjectAltName of the matching kind.</summary>
public class CertIdentityBindingTests
{
    private static readonly Issued Root = TestPki.Ca();

    private static readonly Issued Leaf = TestPki.Leaf(Root, "C=CH, O=Example, CN=carol", dns: ["carol.example.org"],
        email: ["carol@example.org"], addresses: [IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::7")]);

    [Theory]
    [InlineData("C=CH, O=Example, CN=carol")]
    [InlineData("c=ch, o=example, cn=CAROL")]
    [InlineData("carol.example.org")]
    [InlineData("CAROL.example.org")]
    [InlineData("carol@example.org")]
    [InlineData("192.0.2.7")]
    [InlineData("2001:db8::7")]
    public void Binds_SubjectOrAltName_True(string id)
    {
        Assert.True(IdentityBinding.Binds(Leaf.Certificate, IkeIdentity.Parse(id)));
    }

    [Theory]
    [InlineData("C=CH, O=Example, CN=mallory")]
    [InlineData("O=Example, CN=carol")]
    [InlineData("mallory.example.org")]
    [InlineData("mallory@example.org")]
    [InlineData("192.0.2.8")]
    [InlineData("%any")]
    public void Binds_OtherIdentity_False(string id)
    {
        Assert.False(IdentityBinding.Binds(Leaf.Certificate, IkeIdentity.Parse(id)));
    }

    [Fact]
    public void Binds_FqdnOnlyInCommonName_False()
    {
        // strongSwan binds FQDNs to dNSName subjectAltNames only, never to the CN.
        Issued leaf = TestPki.Leaf(Root, "C=CH, O=Example, CN=cn-only.example.org");

        Assert.False(IdentityBinding.Binds(leaf.Certificate, IkeIdentity.Parse("cn-only.example.org")));
    }
}
