using System.Net;
using System.Security.Cryptography;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

public class NatDetectionTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("192.0.2.1"), 500);
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("198.51.100.2"), 500);

    [Fact]
    public void Hash_IsSha1OfSpisAddressAndPort()
    {
        // RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | Port), written out by hand here.
        byte[] input = Convert.FromHexString("0102030405060708" + "0000000000000000" + "C0000201" + "01F4");
#pragma warning disable CA5350
        byte[] expected = SHA1.HashData(input);
#pragma warning restore CA5350

        Assert.Equal(expected, NatDetection.Hash(0x0102030405060708, 0, Local));
    }

    [Fact]
    public void Check_HashesOfTheAddressesSeen_NoNat()
    {
        IkeMessage message = MessageWith(NatDetection.Build(1, 2, Remote, Local));

        Assert.Equal((false, false), NatDetection.Check(message, 1, 2, Local, Remote));
    }

    [Fact]
    public void Check_SourceRewritten_RemoteBehindNat()
    {
        var inside = new IPEndPoint(IPAddress.Parse("10.0.0.5"), 500);
        IkeMessage message = MessageWith(NatDetection.Build(1, 2, inside, Local));

        Assert.Equal((true, false), NatDetection.Check(message, 1, 2, Local, Remote));
    }

    [Fact]
    public void Check_DestinationRewritten_LocalBehindNat()
    {
        var publicAddress = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 500);
        IkeMessage message = MessageWith(NatDetection.Build(1, 2, Remote, publicAddress));

        Assert.Equal((false, true), NatDetection.Check(message, 1, 2, Local, Remote));
    }

    [Fact]
    public void Check_NoNotifies_NoNat()
    {
        Assert.Equal((false, false), NatDetection.Check(MessageWith([]), 1, 2, Local, Remote));
    }

    [Fact]
    public void Identity_ParsesTextForms()
    {
        Assert.Equal(IdType.Ipv4Address, IkeIdentity.Parse("192.0.2.1").Type);
        Assert.Equal(IdType.Rfc822Address, IkeIdentity.Parse("road@cap.test").Type);
        Assert.Equal(IdType.Fqdn, IkeIdentity.Parse("gw.cap.test").Type);
        Assert.True(IkeIdentity.Parse("%any").IsAny);
        Assert.Equal(IkeIdentity.Parse("gw.cap.test"), IkeIdentity.From(IdPayload.Fqdn(false, "gw.cap.test")));
        Assert.Equal([(byte)IdType.Fqdn, 0, 0, 0, (byte)'a'], IkeIdentity.Parse("a").PayloadBody());
    }

    private static IkeMessage MessageWith(IEnumerable<NotifyPayload> notifies)
    {
        var message = new IkeMessage(ExchangeType.IkeSaInit, 1, 2, 0, IkeHeaderFlags.None);
        message.Payloads.AddRange(notifies);
        return message;
    }
}
