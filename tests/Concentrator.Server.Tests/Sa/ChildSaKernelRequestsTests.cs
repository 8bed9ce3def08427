using System.Net;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class ChildSaKernelRequestsTests : TestKit
{
    [Theory]
    [InlineData("aes256gcm16", AeadAlgorithm.AesGcm, 128, 36, null, 0, 0)]
    [InlineData("chacha20poly1305", AeadAlgorithm.ChaCha20Poly1305, 128, 36, null, 0, 0)]
    [InlineData("aes128-sha256", CipherAlgorithm.AesCbc, 0, 16, IntegrityAlgorithm.HmacSha256, 128, 32)]
    [InlineData("aes256-sha384", CipherAlgorithm.AesCbc, 0, 32, IntegrityAlgorithm.HmacSha384, 192, 48)]
    public void Install_NegotiatedEsp_KernelGetsItsAlgorithmsAndKeys(string esp, string cipher, int icvBits, int keyLength,
        string? integrity, int truncation, int integrityKeyLength)
    {
        using var h = new SaActorHarness(this, esp: esp);
        InstallChild install = h.Establish();
        ChildSa client = Assert.Single(h.Initiator.ChildSas);

        SaRequest inbound = install.Sas[0].Request, outbound = install.Sas[1].Request;
        string name = inbound.Aead?.Name ?? inbound.Encryption!.Name;
        Assert.Equal(cipher, name);
        Assert.Equal(keyLength, (inbound.Aead?.Key ?? inbound.Encryption!.Key).Length);
        // Our inbound keys are the client's outbound keys (RFC 7296 §2.17: the initiator's come first in KEYMAT).
        Assert.Equal(client.OutboundEncryptionKey, (inbound.Aead?.Key ?? inbound.Encryption!.Key).ToArray());
        Assert.Equal(client.InboundEncryptionKey, (outbound.Aead?.Key ?? outbound.Encryption!.Key).ToArray());
        Assert.Equal(icvBits, inbound.Aead?.IcvBits ?? 0);
        Assert.Equal(integrity, inbound.Integrity?.Name);
        Assert.Equal(truncation, inbound.Integrity?.TruncationBits ?? 0);
        Assert.Equal(integrityKeyLength, inbound.Integrity?.Key.Length ?? 0);
        Assert.All(install.Sas, s => Assert.Equal(IpsecMode.Tunnel, s.Request.Mode));
        Assert.Equal([PolicyDirection.Out, PolicyDirection.In, PolicyDirection.Fwd], install.Policies.Select(p => p.Direction));
        Assert.All(install.Policies, p => Assert.Equal(install.Reqid, Assert.Single(p.Templates).Reqid));
    }

    /// <summary>IPv6 selectors over IPv4 outer addresses (or the other way round): the states carry
    /// XFRM_STATE_AF_UNSPEC, else the kernel gives their selector the outer family and decapsulates the inner packets
    /// as that family; states whose selectors are of the outer family carry no flag.</summary>
    [Theory]
    [InlineData("10.0.0.0", 8, "10.1.0.0", 16, SaFlags.None)]
    [InlineData("::", 0, "::", 0, SaFlags.AfUnspec)]
    [InlineData("10.0.0.0", 8, "2001:db8::", 32, SaFlags.AfUnspec)]
    public void Install_SelectorFamilyAgainstOuterFamily_AfUnspecOnlyWhenTheyDiffer(string local, int localBits, string remote, int remoteBits, SaFlags expected)
    {
        using var h = new SaActorHarness(this);
        h.Establish();
        ChildSa child = Assert.Single(h.Initiator.ChildSas) with
        {
            LocalSelectors = [TrafficSelectors.Subnet(IPAddress.Parse(local), localBits)],
            RemoteSelectors = [TrafficSelectors.Subnet(IPAddress.Parse(remote), remoteBits)],
        };

        InstallChild install = ChildSaKernelRequests.Install(child, 1, 5, 7);

        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, child.RemoteEndpoint.AddressFamily);
        Assert.All(install.Sas, s => Assert.Equal(expected, s.Request.Flags));
    }

    [Theory]
    [InlineData("10.0.0.0", "10.0.0.255", "10.0.0.0/24")]
    [InlineData("10.0.0.1", "10.0.0.6", "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32")]
    [InlineData("0.0.0.0", "255.255.255.255", "0.0.0.0/0")]
    [InlineData("10.99.0.7", "10.99.0.7", "10.99.0.7/32")]
    [InlineData("2001:db8::", "2001:db8::ffff", "2001:db8::/112")]
    [InlineData("255.255.255.253", "255.255.255.255", "255.255.255.253/32 255.255.255.254/31")]
    [InlineData("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd/128 ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127")]
    public void Prefixes_AddressRange_ExactCover(string start, string end, string expected)
    {
        var prefixes = ChildSaKernelRequests.Prefixes(IPAddress.Parse(start), IPAddress.Parse(end));

        Assert.Equal(expected, string.Join(" ", prefixes));
    }
}
