using Concentrator.Host.Import.Libreswan;
using Concentrator.Ike;

namespace Concentrator.Host.Tests.Import;

public sealed class LibreswanAlgorithmsTests
{
    [Theory]
    [InlineData("aes256-sha2_256;modp2048", "aes256-sha256-modp2048")]
    [InlineData("aes256-sha2_256-modp2048", "aes256-sha256-modp2048")]
    [InlineData("aes_gcm256-sha2;dh19", "aes256gcm16-sha256-ecp256")]
    [InlineData("aes_gcm_c-sha2_512;dh31", "aes256gcm16-aes128gcm16-sha512-x25519")]
    [InlineData("aes128-sha2+sha1-dh19+dh14", "aes128-sha256-sha1-ecp256-modp2048")]
    [InlineData("chacha20_poly1305-sha2;dh20", "chacha20poly1305-sha256-ecp384")]
    public void Translate_Ike_StrongSwanSyntaxThatParses(string libreswan, string expected)
    {
        var problems = new List<string>();

        var result = LibreswanAlgorithms.Translate(libreswan, ProtocolId.Ike, problems);

        Assert.Equal([expected], result);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("aes_gcm256-null", "aes256gcm16")]
    [InlineData("aes_gcm_b128", "aes128gcm12")]
    [InlineData("aes-sha2_512;modp4096", "aes256-aes128-sha512-modp4096")]
    [InlineData("aes128-sha1", "aes128-sha1")]
    public void Translate_Esp_StrongSwanSyntaxThatParses(string libreswan, string expected)
    {
        var problems = new List<string>();

        Assert.Equal([expected], LibreswanAlgorithms.Translate(libreswan, ProtocolId.Esp, problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void Translate_UnimplementedAlgorithm_ThatProposalLeftOutTheRestKept()
    {
        var problems = new List<string>();

        var result = LibreswanAlgorithms.Translate("3des-md5;modp1536, aes256-sha2;dh19", ProtocolId.Ike, problems);

        Assert.Equal(["aes256-sha256-ecp256"], result);
        Assert.Equal("'3des-md5;modp1536' left out: '3des' is not an algorithm Concentrator implements", Assert.Single(problems));
    }

    [Fact]
    public void Translate_MixesAeadAndCbc_LeftOutWithTheParsersReason()
    {
        var problems = new List<string>();

        Assert.Empty(LibreswanAlgorithms.Translate("aes+aes_gcm-sha2", ProtocolId.Esp, problems));
        Assert.Contains("mixes AEAD and non-AEAD", Assert.Single(problems), StringComparison.Ordinal);
    }
}
