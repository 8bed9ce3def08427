using Concentrator.Ike.Sa;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class KeptIdentitiesTests
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@example.org");

    [Fact]
    public void TryAdmit_IdentityHeldByAnotherSa_Refused()
    {
        var kept = new KeptIdentities();
        Assert.True(kept.TryAdmit(Alice, 1));

        Assert.False(kept.TryAdmit(Alice, 2));
        Assert.True(kept.TryAdmit(Alice, 1)); // the holder itself (e.g. asked again) stays admitted
        Assert.True(kept.TryAdmit(IkeIdentity.Parse("bob@example.org"), 2));
    }

    [Fact]
    public void Leave_ByHolder_FreesIdentityButNotByOthers()
    {
        var kept = new KeptIdentities();
        kept.TryAdmit(Alice, 1);

        kept.Leave(Alice, 2);
        Assert.False(kept.TryAdmit(Alice, 2));

        kept.Leave(Alice, 1);
        Assert.Equal(0, kept.Count);
        Assert.True(kept.TryAdmit(Alice, 2));
    }
}
