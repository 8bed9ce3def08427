using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>What a strongSwan 5.9.8 client logs when the gateway ends EAP with EAP-Failure (RFC 3748 §4.2) rather than
/// N(AUTHENTICATION_FAILED): charon parses an IKE_AUTH response with an EAP/FAIL payload and its eap_authenticator
/// (process_client) logs "received EAP_FAILURE, EAP authentication failed".</summary>
internal static class CharonEapFailure
{
    public static void AssertSeen(string charonLog)
    {
        // A later round carries the EAP-Failure alone; a first-round refusal carries IDr and AUTH before it.
        Assert.Matches(new Regex(@"parsed IKE_AUTH response \d+ \[ (IDr (CERT )?AUTH )?EAP/FAIL \]"), charonLog);
        Assert.Contains("received EAP_FAILURE, EAP authentication failed", charonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("received AUTHENTICATION_FAILED notify error", charonLog, StringComparison.Ordinal);
    }
}
