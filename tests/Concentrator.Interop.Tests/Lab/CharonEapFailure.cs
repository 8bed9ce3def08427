using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>What a strongSwan 5.9.8 client logs when the gateway ends EAP with EAP-Failure (RFC 3748 §4.2) rather than
/// N(AUTHENTICATION_FAILED): charon parses an IKE_AUTH response with an EAP/FAIL payload and its eap_authenticator
/// (process_client) logs "received EAP_FAILURE, EAP authentication failed".</summary>
internal static class CharonEapFailure
{
    /// <summary>Checks the client's last attempt in <paramref name="charonLog"/> (a lab's log may hold earlier ones).</summary>
    public static void AssertSeen(string charonLog)
    {
        int start = charonLog.LastIndexOf("initiating IKE_SA", StringComparison.Ordinal);
        Assert.True(start >= 0, "charon initiated no IKE_SA:\n" + charonLog);
        string attempt = charonLog[start..];
        // A later round carries the EAP-Failure alone; a first-round refusal carries IDr and AUTH before it.
        Assert.Matches(new Regex(@"parsed IKE_AUTH response \d+ \[ (IDr (CERT )?AUTH )?EAP/FAIL \]"), attempt);
        Assert.Contains("received EAP_FAILURE, EAP authentication failed", attempt, StringComparison.Ordinal);
        Assert.DoesNotContain("received AUTHENTICATION_FAILED notify error", attempt, StringComparison.Ordinal);
    }
}
