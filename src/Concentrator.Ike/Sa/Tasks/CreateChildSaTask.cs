using System.Security.Cryptography;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// What the CREATE_CHILD_SA tasks (CHILD SA rekey, IKE SA rekey) share: the exchange's key exchange, whose shared
/// secret is used once and zeroed, and a refusal that answers with an error Notify while the SAs stay as they were.
/// </summary>
public abstract class CreateChildSaTask : IkeTask
{
    private NotifyType? _error;
    private byte[]? _errorData;

    protected CreateChildSaTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.CreateChildSa;

    /// <summary>Our key exchange of this exchange, if it has one.</summary>
    protected IKeyExchange? Ke { get; set; }

    /// <summary>The peer's Key Exchange Data.</summary>
    protected byte[] PeerKe { get; set; } = [];

    /// <summary>The refusal to answer with, once <see cref="Refuse"/> was called.</summary>
    protected bool Refused => _error is not null;

    /// <summary>Remembers the refusal (answered in BuildR by <see cref="AddRefusal"/>) and lets the other tasks run.</summary>
    protected IkeTaskStatus Refuse(NotifyType notify, byte[]? data = null)
    {
        _error = notify;
        _errorData = data;
        return IkeTaskStatus.NeedMore;
    }

    protected void AddRefusal(IkeMessage response) => response.Payloads.Add(new NotifyPayload(_error!.Value, _errorData ?? default));

    /// <summary>Runs <paramref name="use"/> with g^ir (empty without a key exchange), then zeroes it and drops our
    /// private value: RFC 7296 §2.12 lets a value be reused, but the keys derived from it must not outlive their use.</summary>
    protected T WithSharedSecret<T>(Func<byte[], T> use)
    {
        byte[] shared = Ke is null ? [] : Ke.DeriveSharedSecret(PeerKe);
        try
        {
            return use(shared);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            DisposeKe();
        }
    }

    protected void DisposeKe()
    {
        Ke?.Dispose();
        Ke = null;
    }
}
