namespace Concentrator.Server.Metrics;

/// <summary>Tag names and the values that are constants, so that recording never builds a string.</summary>
public static class MetricTags
{
    public const string Connection = "connection";
    public const string Interface = "interface";
    public const string Cause = "cause";
    public const string Kind = "kind";
    public const string Command = "command";
    public const string Outcome = "outcome";
    public const string Verdict = "verdict";

    public static readonly KeyValuePair<string, object?> IkeRekey = new(Kind, "ike");
    public static readonly KeyValuePair<string, object?> ChildRekey = new(Kind, "child");
    public static readonly KeyValuePair<string, object?> Ok = new(Outcome, "ok");
    public static readonly KeyValuePair<string, object?> Failed = new(Outcome, "failed");
    public static readonly KeyValuePair<string, object?> Crl = new(Kind, "crl");
    public static readonly KeyValuePair<string, object?> Ocsp = new(Kind, "ocsp");

    /// <summary>By <see cref="Revocation.FetchOutcome"/>, in its order.</summary>
    public static readonly KeyValuePair<string, object?>[] FetchOutcomes =
        [Ok, Failed, new(Outcome, "too_large"), new(Outcome, "timeout"), new(Outcome, "refused")];

    /// <summary>By <see cref="Ike.Auth.Certificates.RevocationVerdict"/>, in its order.</summary>
    public static readonly KeyValuePair<string, object?>[] Verdicts =
        [new(Verdict, "good"), new(Verdict, "revoked"), new(Verdict, "unknown"), new(Verdict, "none")];
}
