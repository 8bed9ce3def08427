using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>Real strongSwan datagrams: the one below was captured from strongSwan 5.9.8 <c>charon-cmd --profile
/// ikev2-eap</c> (default proposals) on loopback; the files under TestData/strongswan are added by the capture task.</summary>
public sealed class StrongSwanMessageTests
{
    internal const string CharonCmdIkeSaInitRequest = """
        2bfc0da90e6659f200000000000000002120220800000000000004182200035802000168010100260300000c0100000c
        800e00800300000c0100000c800e00c00300000c0100000c800e01000300000c0100000d800e00800300000c0100000d
        800e00c00300000c0100000d800e01000300000c01000017800e00800300000c01000017800e00c00300000c01000017
        800e01000300000c01000018800e00800300000c01000018800e00c00300000c01000018800e01000300000801000003
        030000080300000c030000080300000d030000080300000e030000080300000503000008030000080300000803000002
        030000080200000503000008020000060300000802000007030000080200000403000008020000080300000802000002
        030000080400001f0300000804000020030000080400001303000008040000140300000804000015030000080400001c
        030000080400001d030000080400001e030000080400000f030000080400001003000008040000110300000804000012
        000000080400000e000001ec0201002f0300000c01000010800e00800300000c01000010800e00c00300000c01000010
        800e01000300000c01000014800e00800300000c01000014800e00c00300000c01000014800e0100030000080100001c
        0300000c0100001b800e00800300000c0100001b800e00c00300000c0100001b800e01000300000c0100000e800e0080
        0300000c0100000e800e00c00300000c0100000e800e01000300000c0100000f800e00800300000c0100000f800e00c0
        0300000c0100000f800e01000300000c01000012800e00800300000c01000012800e00c00300000c01000012800e0100
        0300000c01000013800e00800300000c01000013800e00c00300000c01000013800e01000300000c01000019800e0080
        0300000c01000019800e00c00300000c01000019800e01000300000c0100001a800e00800300000c0100001a800e00c0
        0300000c0100001a800e0100030000080200000503000008020000060300000802000007030000080200000403000008
        020000080300000802000002030000080400001f03000008040000200300000804000013030000080400001403000008
        04000015030000080400001c030000080400001d030000080400001e030000080400000f030000080400001003000008
        040000110300000804000012000000080400000e28000028001f000077b80c8798f6b829931282711b00b9ee288c4b8c
        1bc02c49e4010c4cf6e0ee6629000024ff417608f8f78f4d07436d40183534ba411dca64294b1db87a4de90a84cfdced
        2900001c00004004ddd0807db486fb1dbdccc3b529948a6d09b7b9752900001c0000400587e466bf86055adafc7a48ea
        9621690546cc1824290000080000402e290000100000402f00020003000400050000000800004016
        """;

    [Fact]
    public void Parse_CharonCmdIkeSaInitRequest_ReadsPayloadsAndReserialisesIdentically()
    {
        byte[] datagram = Hex.Parse(CharonCmdIkeSaInitRequest);
        IkeMessage message = IkeMessage.Parse(datagram);

        Assert.Equal(ExchangeType.IkeSaInit, message.ExchangeType);
        Assert.True(message.IsFromInitiator);
        Assert.Equal(0UL, message.ResponderSpi);
        // charon logs it as: IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]
        Assert.Equal(
            [PayloadType.SecurityAssociation, PayloadType.KeyExchange, PayloadType.Nonce, PayloadType.Notify,
             PayloadType.Notify, PayloadType.Notify, PayloadType.Notify, PayloadType.Notify],
            message.Payloads.Select(p => p.Type));
        Assert.Equal(
            [NotifyType.NatDetectionSourceIp, NotifyType.NatDetectionDestinationIp, NotifyType.Ikev2FragmentationSupported,
             NotifyType.SignatureHashAlgorithms, NotifyType.RedirectSupported],
            message.GetAll<NotifyPayload>().Select(n => n.NotifyType));
        SaPayload sa = message.Get<SaPayload>()!;
        Assert.True(sa.Proposals.Count >= 2);
        Assert.All(sa.Proposals, p => Assert.Equal(ProtocolId.Ike, p.Protocol));
        Assert.Contains(sa.Proposals[0].Transforms, t => t.Type == TransformType.Encryption && t.KeyLength == 128);
        KePayload ke = message.Get<KePayload>()!;
        Assert.Contains(sa.Proposals[0].Transforms, t => t.Type == TransformType.KeyExchange && t.Id == ke.Group);
        Assert.Equal(32, message.Get<NoncePayload>()!.Data.Length);
        MessageRules.Validate(message);

        Assert.Equal(datagram, message.ToArray());
    }

    [Fact]
    public void Parse_EveryTestDataCapture_ReserialisesIdentically()
    {
        List<(string Name, byte[] Data)> captures = SampleMessages.StrongSwanCaptures();
        foreach ((string name, byte[] data) in captures)
        {
            IkeMessage message;
            try
            {
                message = IkeMessage.Parse(data);
            }
            catch (IkeProtocolException e)
            {
                Assert.Fail($"{name}: {e.Notify} {e.Message}");
                throw;
            }

            Assert.True(data.AsSpan().SequenceEqual(message.ToArray()), $"{name} does not re-serialise identically");
        }

        // The embedded capture above always runs; this one covers whatever the capture task stored.
        Assert.Equal(captures.Count, captures.Select(c => c.Name).Distinct().Count());
    }
}
