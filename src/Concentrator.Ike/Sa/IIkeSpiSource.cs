namespace Concentrator.Ike.Sa;

/// <summary>
/// Draws and registers an IKE SA's own SPIs in one step (its first, and those of the SAs that replace it by
/// rekeying): the node's SPI table, per SA. An object the SA keeps, not a delegate in a per-SA copy of
/// <see cref="IkeSaServices"/> (issue 13: a hundred thousand SAs each paid for the copy and the delegate).
/// </summary>
public interface IIkeSpiSource
{
    ulong Allocate();
}
