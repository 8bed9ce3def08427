namespace Concentrator.Kernel;

/// <summary>A mark value and mask as carried by XFRMA_MARK (match) or XFRMA_SET_MARK/_MASK (output mark).</summary>
public readonly record struct XfrmMark(uint Value, uint Mask = uint.MaxValue)
{
    public bool IsSet => Value != 0 || Mask != 0;
}
