using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// RFC 5685 redirect of an IKE SA that has keys (strongSwan <c>ike_redirect.c</c>). The gateway's side: in IKE_AUTH
/// (§6) its response carries N(REDIRECT) after IDr and AUTH, in place of the CHILD SA (the task manager runs this task
/// instead of the configuration and CHILD SA tasks); in an INFORMATIONAL of an established SA (§5, <c>drain
/// --established</c>) its request carries N(REDIRECT). The client's side: an INFORMATIONAL request with N(REDIRECT) is
/// answered empty and the gateway kept in <see cref="IkeSa.RedirectedTo"/>. Either way the client, told where to go,
/// deletes the old IKE SA (§5, §6); the gateway keeps it until then, bounded by the half-open timeout.
/// </summary>
public sealed class IkeRedirectTask : IkeTask
{
    private readonly IPAddress? _gateway;

    private IkeRedirectTask(IkeSa sa, bool initiator, ExchangeType exchange, IPAddress? gateway)
        : base(sa, initiator)
    {
        Exchange = exchange;
        _gateway = gateway;
    }

    public override ExchangeType Exchange { get; }

    /// <summary>The gateway's part of an IKE_AUTH response (§6).</summary>
    public static IkeRedirectTask InIkeAuth(IkeSa sa, IPAddress gateway) => new(sa, initiator: false, ExchangeType.IkeAuth, gateway);

    /// <summary>The gateway's INFORMATIONAL request to an established client (§5).</summary>
    public static IkeRedirectTask Informational(IkeSa sa, IPAddress gateway) => new(sa, initiator: true, ExchangeType.Informational, gateway);

    /// <summary>The client's side of that INFORMATIONAL.</summary>
    public static IkeRedirectTask InformationalResponder(IkeSa sa) => new(sa, initiator: false, ExchangeType.Informational, null);

    /// <summary>The gateway named by the N(REDIRECT) of <paramref name="message"/>, or null (none, or one that names no
    /// address: a gateway given by FQDN is not followed).</summary>
    public static IPAddress? ReadRedirect(IkeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.GetNotify(NotifyType.Redirect) is { } n ? RedirectNotifyData.Parse(n.Data).Address : null;
    }

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        // §5: "the gateway sends an INFORMATIONAL message with the REDIRECT Notify payload"; no Nonce Data outside
        // IKE_SA_INIT (§8.2: the nonce field is for the IKE_SA_INIT answer only).
        request.Payloads.Add(new NotifyPayload(NotifyType.Redirect, RedirectNotifyData.For(_gateway!).ToArray()));
        Sa.RedirectedTo = _gateway;
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response) => IkeTaskStatus.Success;

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        if (Exchange == ExchangeType.Informational && Sa.Config.AnnounceRedirectSupport && ReadRedirect(request) is { } to)
        {
            Sa.RedirectedTo = to;
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (Exchange == ExchangeType.IkeAuth)
        {
            // §6: the gateway authenticated the client (IkeAuthTask, before this task builds) and answers with IDr,
            // AUTH and N(REDIRECT); no CHILD SA and no configuration payload are created for a client that goes elsewhere.
            response.Payloads.Add(new NotifyPayload(NotifyType.Redirect, RedirectNotifyData.For(_gateway!).ToArray()));
            Sa.RedirectedTo = _gateway;
        }

        return IkeTaskStatus.Success;
    }
}
