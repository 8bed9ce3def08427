namespace Concentrator.Ike.Crypto;

/// <summary>The two directions of an IKE SA's SK payload protection, seen from one role.</summary>
public sealed record SkCipherPair(ISkCipher Outbound, ISkCipher Inbound) : IDisposable
{
    public void Dispose()
    {
        Outbound.Dispose();
        Inbound.Dispose();
    }
}
