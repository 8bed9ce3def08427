using System.Net;
using System.Text.Json;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// One side of a route-based tunnel, installed through <see cref="IKernelIpsec"/> alone (no iproute2): the
/// xfrm interface ipsec1 over the peer's veth, the inner address and the route to the other side's inner
/// network on it, the SA pair (rfc4106(gcm(aes)): AES-256 key + 4-byte salt, 128-bit ICV) and the out/in/fwd policies that
/// carry the interface's if_id, as the concentrator installs them for one CHILD SA.
/// </summary>
internal sealed class TunnelPeer(
    IKernelIpsec kernel, string ns, IPAddress outer, IPAddress remoteOuter, IPAddress inner, IPNetwork innerNet, IPNetwork remoteInnerNet)
{
    public const uint IfId = 1;
    public const string Device = "ipsec1";

    /// <summary>A reqid in the concentrator's own range, so <see cref="KernelOwnership.Default"/> owns it.</summary>
    public const uint Reqid = KernelOwnership.DefaultFirstReqid + 1;

    public IKernelIpsec Kernel => kernel;
    public string Namespace => ns;
    public IPAddress Inner => inner;
    public int InterfaceIndex { get; private set; }

    public SaId Outbound(uint spi) => new(outer, remoteOuter, spi) { IfId = IfId };

    public SaId Inbound(uint spi) => new(remoteOuter, outer, spi) { IfId = IfId };

    /// <summary>Reserves the SPI the peer will send to (ALLOCSPI), in the kernel's default range.</summary>
    public async Task<uint> AllocateInboundSpiAsync() => await kernel.AllocateSpiAsync(remoteOuter, outer, IpsecProtocol.Esp, Reqid);

    public async Task CreateInterfaceAsync(string underlay)
    {
        InterfaceIndex = await kernel.CreateInterfaceAsync(new InterfaceRequest(Device, IfId, LinkIndex(ns, underlay)));
        await kernel.AddAddressAsync(new AddressRequest(Inner, 32, InterfaceIndex));
        await kernel.AddRouteAsync(new RouteRequest(remoteInnerNet, InterfaceIndex));
    }

    /// <summary>
    /// Installs the SA pair, then the policies. With <paramref name="inboundAllocated"/> the inbound SPI came
    /// from <see cref="IKernelIpsec.AllocateSpiAsync"/>, whose larval SA the inbound SA replaces (UPDSA), as an
    /// IKE responder does; otherwise both are new (NEWSA).
    /// </summary>
    public async Task InstallChildSaAsync(uint spiOut, byte[] keyOut, uint spiIn, byte[] keyIn, bool inboundAllocated = false)
    {
        // SAs before policies: an outbound packet that meets the policy finds its SA already there.
        await kernel.AddSaAsync(Sa(outer, remoteOuter, spiOut, keyOut));
        if (inboundAllocated)
        {
            await kernel.UpdateSaAsync(Sa(remoteOuter, outer, spiIn, keyIn));
        }
        else
        {
            await kernel.AddSaAsync(Sa(remoteOuter, outer, spiIn, keyIn));
        }

        foreach (var policy in Policies())
        {
            await kernel.AddPolicyAsync(policy);
        }
    }

    public async Task RemoveChildSaAsync(uint spiOut, uint spiIn)
    {
        foreach (var policy in Policies())
        {
            await kernel.DeletePolicyAsync(policy.Id);
        }

        await kernel.DeleteSaAsync(Outbound(spiOut));
        await kernel.DeleteSaAsync(Inbound(spiIn));
    }

    public IEnumerable<PolicyRequest> Policies()
    {
        var toRemote = new PolicyTemplate(outer, remoteOuter, Reqid);
        var fromRemote = new PolicyTemplate(remoteOuter, outer, Reqid);
        yield return new PolicyRequest(new TrafficSelector(innerNet, remoteInnerNet), PolicyDirection.Out, [toRemote]) { IfId = IfId };
        yield return new PolicyRequest(new TrafficSelector(remoteInnerNet, innerNet), PolicyDirection.In, [fromRemote]) { IfId = IfId };
        yield return new PolicyRequest(new TrafficSelector(remoteInnerNet, innerNet), PolicyDirection.Fwd, [fromRemote]) { IfId = IfId };
    }

    private static SaRequest Sa(IPAddress source, IPAddress destination, uint spi, byte[] key) =>
        new(source, destination, spi, Reqid)
        {
            Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128),
            IfId = IfId,
        };

    /// <summary>ifindex of a device inside a namespace (the underlay the xfrm interface sits on).</summary>
    public static int LinkIndex(string ns, string device)
    {
        using var json = JsonDocument.Parse(Tool.Ip("-n", ns, "-j", "link", "show", "dev", device));
        return json.RootElement[0].GetProperty("ifindex").GetInt32();
    }

    /// <summary>36 bytes: an AES-256 key and the 4-byte salt at its end (RFC 4106 section 8.1), all one value.</summary>
    public static byte[] Key(byte fill) => Enumerable.Repeat(fill, 36).ToArray();
}
