namespace Concentrator.Ike.Sa;

/// <summary>
/// Hears of each CHILD SA an IKE SA adds and removes, like <see cref="IkeSaServices.InstallChildSa"/> and
/// <see cref="IkeSaServices.UninstallChildSa"/>, but as an object the SA keeps (the session that drives it), so the
/// services record stays shared among SAs instead of being copied per SA with two delegates (issue 13).
/// </summary>
internal interface IChildSaListener
{
    void ChildSaAdded(ChildSa child);

    void ChildSaRemoved(ChildSa child);
}
