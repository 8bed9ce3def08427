using Concentrator.Ike;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Tests.Reporting;

public sealed class FailureCauseTests
{
    [Theory]
    [InlineData(NotifyType.AuthenticationFailed, "AUTHENTICATION_FAILED")]
    [InlineData(NotifyType.InvalidKePayload, "INVALID_KE_PAYLOAD")]
    [InlineData(NotifyType.NoProposalChosen, "NO_PROPOSAL_CHOSEN")]
    [InlineData((NotifyType)12345, "NOTIFY_12345")]
    public void Of_NotifyType_RfcSpelling(NotifyType notify, string expected)
    {
        Assert.Equal(expected, FailureCause.Of(notify));
    }

    [Fact]
    public void Timeout_IkeAuth_NamesTheExchange()
    {
        Assert.Equal("TIMEOUT_IKE_AUTH", FailureCause.Timeout(ExchangeType.IkeAuth));
        Assert.Equal("TIMEOUT_IKE_SA_INIT", FailureCause.Timeout(ExchangeType.IkeSaInit));
    }
}
