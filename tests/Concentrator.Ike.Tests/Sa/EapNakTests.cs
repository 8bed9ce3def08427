using System.Net;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>RFC 3748 §5.3.1 Nak: our EAP peer answers a method it does not run with a Nak naming its own; a backend
/// that can offer another method (RADIUS: <see cref="IEapServer.AcceptsNak"/>) gets the Nak, a local method's
/// conversation ends on it.</summary>
public class EapNakTests
{
    [Fact]
    public void Setup_BackendOffersMd5ThenMsChapV2AfterNak_Established()
    {
        var backend = new Md5FirstBackend(accepts: true);
        using var pair = new SaPair(EapSetupTests.Client(EapType.MsChapV2), EapSetupTests.Server(EapType.MsChapV2, backend: () => backend),
            new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(new byte[] { (byte)EapType.MsChapV2 }, backend.NakData);
    }

    [Fact]
    public void Setup_NakToABackendThatTakesNone_EapFailed()
    {
        using var pair = new SaPair(EapSetupTests.Client(EapType.MsChapV2), EapSetupTests.Server(EapType.MsChapV2, backend: () => new Md5FirstBackend(accepts: false)),
            new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        EapFailureAnswer.AssertEnded(pair);
    }

    /// <summary>Offers EAP-MD5 first (as FreeRADIUS's default_eap_type = md5 does); after a Nak runs EAP-MSCHAPv2.</summary>
    private sealed class Md5FirstBackend(bool accepts) : IEapServer
    {
        private readonly EapMsChapV2Server _mschap = new(EapSetupTests.Users, new SeededRandom(7));
        private string _identity = "";

        public byte[]? NakData { get; private set; }

        public bool AcceptsNak => accepts;

        public EapStep Start(string identity, byte identifier)
        {
            _identity = identity;
            return new EapStep.Request(EapPacket.Request(identifier, EapType.Md5Challenge, (byte[])[16, .. new byte[16]]).Encode());
        }

        public EapStep Process(EapPacket response)
        {
            if (response.Type != EapType.Nak)
            {
                return _mschap.Process(response);
            }

            NakData = response.Data.ToArray();
            return _mschap.Start(_identity, (byte)(response.Identifier + 1));
        }
    }
}
