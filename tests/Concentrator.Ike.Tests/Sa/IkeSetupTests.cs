using System.Net;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: our initiator against our responder, in memory, the whole IKE_SA_INIT + IKE_AUTH.</summary>
public class IkeSetupTests
{
    [Theory]
    [InlineData("aes256gcm16-prfsha256-x25519", "aes256gcm16")]
    [InlineData("aes256-sha256-ecp256", "aes256-sha256")]
    [InlineData("chacha20poly1305-prfsha256-modp2048", "chacha20poly1305")]
    public void Setup_Psk_BothSidesEstablishedWithIdenticalKeys(string ike, string esp)
    {
        using SaPair pair = SaPair.RoadWarrior(ike, esp);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(4, pair.Wire.Count);
        Assert.Equal(pair.Initiator.InitiatorSpi, pair.Responder.InitiatorSpi);
        Assert.Equal(pair.Initiator.ResponderSpi, pair.Responder.ResponderSpi);
        IkeKeymat i = pair.Initiator.Keymat!, r = pair.Responder.Keymat!;
        Assert.Equal(i.SkD.ToArray(), r.SkD.ToArray());
        Assert.Equal(i.SkEi.ToArray(), r.SkEi.ToArray());
        Assert.Equal(i.SkEr.ToArray(), r.SkEr.ToArray());
        Assert.Equal(i.SkAi.ToArray(), r.SkAi.ToArray());
        Assert.Equal(i.SkPi.ToArray(), r.SkPi.ToArray());
        Assert.Equal(i.SkPr.ToArray(), r.SkPr.ToArray());
        Assert.NotEqual(i.SkEi.ToArray(), i.SkEr.ToArray());
        Assert.Equal(pair.Initiator.Algorithms!.ToString(), pair.Responder.Algorithms!.ToString());
        Assert.Equal("client@example.org", pair.Responder.RemoteIdentity!.ToString());
        Assert.Equal("vpn.example.org", pair.Initiator.RemoteIdentity!.ToString());
    }

    [Theory]
    [InlineData("aes256gcm16-prfsha256-x25519", "aes256gcm16", 36, 0)]
    [InlineData("aes256-sha256-ecp256", "aes256-sha256", 32, 32)]
    [InlineData("chacha20poly1305-prfsha256-modp2048", "chacha20poly1305", 36, 0)]
    public void Setup_ChildSa_KeymatMirroredAndInstalledOnBothSides(string ike, string esp, int encrLength, int integLength)
    {
        using SaPair pair = SaPair.RoadWarrior(ike, esp);

        pair.Run();

        ChildSa ci = Assert.Single(pair.InitiatorInstalled);
        ChildSa cr = Assert.Single(pair.ResponderInstalled);
        Assert.Same(cr, Assert.Single(pair.Responder.ChildSas));
        Assert.Equal(ci.InboundSpi, cr.OutboundSpi);
        Assert.Equal(ci.OutboundSpi, cr.InboundSpi);
        Assert.Equal(encrLength, ci.OutboundEncryptionKey.Length);
        Assert.Equal(integLength, ci.OutboundIntegrityKey.Length);
        Assert.Equal(ci.OutboundEncryptionKey, cr.InboundEncryptionKey);
        Assert.Equal(ci.InboundEncryptionKey, cr.OutboundEncryptionKey);
        Assert.Equal(ci.OutboundIntegrityKey, cr.InboundIntegrityKey);
        Assert.NotEqual(ci.OutboundEncryptionKey, ci.InboundEncryptionKey);
        Assert.Equal(ci.Algorithms.ToString(), cr.Algorithms.ToString());
        Assert.False(cr.UdpEncapsulation);
    }

    [Fact]
    public void Setup_ChildKeymat_MatchesRfc7296Section2_17()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256-sha256-ecp256", "aes256-sha256");

        pair.Run();

        // KEYMAT = prf+(SK_d, Ni | Nr): initiator's encryption key, its integrity key, then the responder's.
        // The IKE_SA_INIT nonces, from the wire: the established SA no longer keeps them.
        IkeSa r = pair.Responder;
        byte[] keymat = ChildKeymat.DeriveKeymat(r.Keymat!.Prf, r.Keymat.SkD, [], WireNonce(pair, 0), WireNonce(pair, 1), 2 * (32 + 32));
        ChildSa child = r.ChildSas[0];
        Assert.Equal(keymat[..32], child.InboundEncryptionKey);
        Assert.Equal(keymat[32..64], child.InboundIntegrityKey);
        Assert.Equal(keymat[64..96], child.OutboundEncryptionKey);
        Assert.Equal(keymat[96..], child.OutboundIntegrityKey);
    }

    [Fact]
    public void Setup_VirtualIp_AssignedAndSelectorsNarrowed()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        pair.Run();

        Assert.Equal([IPAddress.Parse("10.99.0.1")], pair.Initiator.VirtualIps);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], pair.Responder.VirtualIps);
        Assert.Equal([IPAddress.Parse("10.0.0.53")], pair.Initiator.DnsServers);
        ChildSa cr = pair.Responder.ChildSas[0];
        TrafficSelector remote = Assert.Single(cr.RemoteSelectors);
        Assert.Equal("10.99.0.1", remote.GetStartAddress().ToString());
        Assert.Equal("10.99.0.1", remote.GetEndAddress().ToString());
        TrafficSelector local = Assert.Single(cr.LocalSelectors);
        Assert.Equal("10.0.0.0", local.GetStartAddress().ToString());
        Assert.Equal("10.255.255.255", local.GetEndAddress().ToString());
        ChildSa ci = pair.Initiator.ChildSas[0];
        Assert.True(TrafficSelectors.SameRange(remote, ci.LocalSelectors[0]));
        Assert.True(TrafficSelectors.SameRange(local, ci.RemoteSelectors[0]));
    }

    [Fact]
    public void Setup_InitialContact_NotedOnResponder()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        pair.Run();

        Assert.True(pair.Responder.InitialContactReceived);
    }

    [Fact]
    public void Setup_Notifies_FragmentationAndSignatureHashesExchanged()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        pair.Run();

        Assert.True(pair.Responder.PeerSupportsFragmentation);
        Assert.True(pair.Initiator.PeerSupportsFragmentation);
        Assert.Equal([2, 3, 4, 5], pair.Responder.PeerSignatureHashes.Select(h => (int)h));
        IkeMessage response = IkeMessage.Parse(pair.Wire[1].Datagram);
        Assert.NotNull(response.GetNotify(NotifyType.NatDetectionSourceIp));
        Assert.NotNull(response.GetNotify(NotifyType.NatDetectionDestinationIp));
        Assert.False(pair.Responder.NatDetected);
        Assert.False(pair.Initiator.NatDetected);
    }

    [Fact]
    public void Setup_IkeAuthIsEncrypted_OnlyEncryptedPayloadOnTheWire()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        pair.Run();

        IkeMessage auth = IkeMessage.Parse(pair.Wire[2].Datagram);
        Assert.Equal(ExchangeType.IkeAuth, auth.ExchangeType);
        Assert.Equal(1u, auth.MessageId);
        Assert.IsType<EncryptedPayload>(Assert.Single(auth.Payloads));
    }

    [Fact]
    public void Setup_SameSeeds_SameBytesOnTheWireExceptKeyExchange()
    {
        // Determinism of the injected randomness: SPIs and nonces repeat with the seeds.
        using SaPair a = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");
        using SaPair b = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        a.Run();
        b.Run();

        Assert.Equal(a.Initiator.InitiatorSpi, b.Initiator.InitiatorSpi);
        Assert.Equal(a.Responder.ResponderSpi, b.Responder.ResponderSpi);
        Assert.Equal(WireNonce(a, 0), WireNonce(b, 0));
        Assert.Equal(WireNonce(a, 1), WireNonce(b, 1));
    }

    [Fact]
    public void Setup_Established_InitMessagesAndNoncesReleasedAtBothEnds()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        pair.Run();

        // Issue 13: an established SA keeps neither the IKE_SA_INIT messages nor their nonces (RFC 7296 §2.15, §2.17:
        // both were needed for AUTH and the first CHILD SA's keys only), a hundred thousand times over on a node.
        foreach (IkeSa sa in new[] { pair.Initiator, pair.Responder })
        {
            Assert.Equal(IkeSaState.Established, sa.State);
            Assert.Empty(sa.InitRequest);
            Assert.Empty(sa.InitResponse);
            Assert.True(sa.NonceI.IsEmpty);
            Assert.True(sa.NonceR.IsEmpty);
        }

        Assert.Equal(32, WireNonce(pair, 0).Length);
    }

    /// <summary>The nonce of the IKE_SA_INIT request (0) or response (1) as it went on the wire.</summary>
    private static byte[] WireNonce(SaPair pair, int index) =>
        IkeMessage.Parse(pair.Wire[index].Datagram).Get<NoncePayload>()!.Data.ToArray();

    [Fact]
    public void Setup_SmallFragmentSize_IkeAuthTravelsInFragmentsBothWays()
    {
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", ["aes256-sha256-ecp256"], ["aes256-sha256"],
            c => c with { RequestVirtualIp4 = true, FragmentSize = 160 });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", ["aes256-sha256-ecp256"], ["aes256-sha256"],
            c => c with { FragmentSize = 140 });
        using var pair = new SaPair(client, server, new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Single(pair.InitiatorInstalled);
        List<IkeMessage> auth = pair.Wire.Skip(2).Select(w => IkeMessage.Parse(w.Datagram)).ToList();
        Assert.True(auth.Count(m => !m.IsResponse) > 1);
        Assert.True(auth.Count(m => m.IsResponse) > 1);
        Assert.All(pair.Wire.Skip(2), w => Assert.True(w.Datagram.Length <= (w.FromInitiator ? 160 : 140)));
        Assert.All(auth, m => Assert.IsType<EncryptedFragmentPayload>(Assert.Single(m.Payloads)));
    }

    [Fact]
    public void Setup_DualStackRequest_BothVirtualIpsAssignedAndChildCoversBoth()
    {
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with { RequestVirtualIp4 = true, RequestVirtualIp6 = true });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with { DnsServers = [IPAddress.Parse("10.0.0.53"), IPAddress.Parse("fd00::53")] });
        using var pair = new SaPair(client, server, new ListAllocator("10.99.0.1", "fd00:99::1"));

        pair.Run();

        Assert.Equal([IPAddress.Parse("10.99.0.1"), IPAddress.Parse("fd00:99::1")], pair.Initiator.VirtualIps);
        Assert.Equal([IPAddress.Parse("10.0.0.53"), IPAddress.Parse("fd00::53")], pair.Initiator.DnsServers);
        ChildSa child = Assert.Single(pair.ResponderInstalled);
        Assert.Equal(["10.99.0.1", "fd00:99::1"], child.RemoteSelectors.Select(t => t.GetStartAddress().ToString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Setup_VirtualIp_AllocatedForThisSaAndReclaimOnlyWithInitialContact(bool initialContact)
    {
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with { RequestVirtualIp4 = true, SendInitialContact = initialContact });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"]);
        var allocator = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(client, server, allocator);

        pair.Run();
        ulong spi = pair.Responder.ResponderSpi;
        pair.Responder.Dispose();

        // The lease is keyed by the SA holding it (its SPI), and taking over an identity's address that an older SA
        // still holds is allowed only when the peer declared with INITIAL_CONTACT that it keeps no other SA (§2.4).
        Assert.Equal([(spi, initialContact)], allocator.Allocations);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], allocator.Released);
    }

    [Fact]
    public void Setup_Established_InitMessagesDroppedAndRetransmittedAuthStillAnswered()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");
        pair.Run();

        // Held only for the AUTH payloads: an established SA keeps neither IKE_SA_INIT message.
        Assert.Empty(pair.Responder.InitRequest);
        Assert.Empty(pair.Responder.InitResponse);
        Assert.Empty(pair.Initiator.InitRequest);
        Assert.Empty(pair.Initiator.InitResponse);

        // RFC 7296 §2.1: the IKE_AUTH request again gets the stored response again, octet for octet.
        byte[] authRequest = pair.Wire.Where(w => w.FromInitiator).ElementAt(1).Datagram;
        byte[] authResponse = pair.Wire.Where(w => !w.FromInitiator).ElementAt(1).Datagram;
        Assert.Equal(authResponse, pair.Responder.Process(authRequest, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message);
    }
}
