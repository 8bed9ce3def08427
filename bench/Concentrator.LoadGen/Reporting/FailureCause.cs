using System.Text;
using Concentrator.Ike;

namespace Concentrator.LoadGen.Reporting;

/// <summary>The names failures are counted under: the RFC spelling of the Notify type that ended the setup
/// (AUTHENTICATION_FAILED), or a cause of our own (TIMEOUT_IKE_AUTH, NO_VIRTUAL_IP, …).</summary>
public static class FailureCause
{
    /// <summary>"AuthenticationFailed" → "AUTHENTICATION_FAILED"; an unnamed value → "NOTIFY_12345".</summary>
    public static string Of(NotifyType notify)
    {
        string name = notify.ToString();
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return "NOTIFY_" + name;
        }

        var sb = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>No answer after the last retransmission of this exchange.</summary>
    public static string Timeout(ExchangeType? exchange) => "TIMEOUT_" + (exchange is { } e ? Of(e) : "UNKNOWN");

    /// <summary>"IkeSaInit" → "IKE_SA_INIT".</summary>
    public static string Of(ExchangeType exchange) => exchange switch
    {
        ExchangeType.IkeSaInit => "IKE_SA_INIT",
        ExchangeType.IkeAuth => "IKE_AUTH",
        ExchangeType.CreateChildSa => "CREATE_CHILD_SA",
        ExchangeType.Informational => "INFORMATIONAL",
        _ => ((byte)exchange).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public const string NoVirtualIp = "NO_VIRTUAL_IP";

    public const string NoChildSa = "NO_CHILD_SA";

    public const string DeletedByResponder = "DELETED_BY_RESPONDER";

    public const string Failed = "FAILED";

    /// <summary>The SA is mid-setup with no request in flight: a state the initiator should never reach.</summary>
    public const string Stalled = "STALLED";
}
