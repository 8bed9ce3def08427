using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Identity equality (case-insensitive for FQDN and RFC 822, as strongSwan), well-formedness (RFC 7296
/// §3.5: no terminators, ASCII only) and log text that never carries raw control octets.</summary>
public class IkeIdentityTests
{
    private static byte[] Bob(params byte[] tail) => [.. "bob@example.net"u8.ToArray(), .. tail];

    [Theory]
    [InlineData("bob@example.net", "BOB@EXAMPLE.NET")]
    [InlineData("vpn.example.org", "VPN.Example.Org")]
    public void Equals_TextIdentitiesDifferingInCase_EqualWithSameHash(string a, string b)
    {
        Assert.Equal(IkeIdentity.Parse(a), IkeIdentity.Parse(b));
        Assert.Equal(IkeIdentity.Parse(a).GetHashCode(), IkeIdentity.Parse(b).GetHashCode());
    }

    [Fact]
    public void Equals_FqdnAndRfc822OfSameText_NotEqual()
    {
        Assert.NotEqual(new IkeIdentity(IdType.Fqdn, "a@b"u8.ToArray()), new IkeIdentity(IdType.Rfc822Address, "a@b"u8.ToArray()));
    }

    [Fact]
    public void Equals_KeyIdsDifferingInCaseOfTheirOctets_NotEqual()
    {
        Assert.NotEqual(new IkeIdentity(IdType.KeyId, "ab"u8.ToArray()), new IkeIdentity(IdType.KeyId, "AB"u8.ToArray()));
    }

    [Theory]
    [InlineData(new byte[] { 0x62, 0x00 }, false)]
    [InlineData(new byte[] { 0x62, 0x20 }, false)]
    [InlineData(new byte[] { 0x62, 0x0d }, false)]
    [InlineData(new byte[] { 0x62, 0x7f }, false)]
    [InlineData(new byte[] { 0x62, 0xc3, 0xa4 }, false)]
    [InlineData(new byte[0], false)]
    [InlineData(new byte[] { 0x62, 0x40, 0x63 }, true)]
    public void IsWellFormed_Rfc822Octets_OnlyPrintableAsciiWithoutSpace(byte[] octets, bool expected)
    {
        Assert.Equal(expected, new IkeIdentity(IdType.Rfc822Address, octets).IsWellFormed);
    }

    [Fact]
    public void IsWellFormed_KeyIdWithAnyOctets_True()
    {
        Assert.True(new IkeIdentity(IdType.KeyId, new byte[] { 0, 1, 0xff }).IsWellFormed);
    }

    [Fact]
    public void ToString_ControlAndNonAsciiOctets_Escaped()
    {
        var id = new IkeIdentity(IdType.Rfc822Address, Bob(0x00, 0x0a, 0x20, 0xe4));

        Assert.Equal(@"bob@example.net\x00\x0a\x20\xe4", id.ToString());
    }

    [Fact]
    public void PskStore_LookupInOtherCase_FindsTheIdentitysOwnSecret()
    {
        var store = new PskStore().Add("%any", "fallback").Add("bob@example.net", "mine");

        Assert.Equal("mine"u8.ToArray(), store.Lookup(IkeIdentity.Any, IkeIdentity.Parse("Bob@Example.NET")));
    }

    [Fact]
    public void PskStore_MalformedLookAlike_NoSecretNotEvenAny()
    {
        var store = new PskStore().Add("%any", "fallback").Add("bob@example.net", "mine");

        Assert.Null(store.Lookup(IkeIdentity.Any, new IkeIdentity(IdType.Rfc822Address, Bob(0x00))));
    }
}
