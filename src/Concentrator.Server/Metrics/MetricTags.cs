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

    public static readonly KeyValuePair<string, object?> IkeRekey = new(Kind, "ike");
    public static readonly KeyValuePair<string, object?> ChildRekey = new(Kind, "child");
    public static readonly KeyValuePair<string, object?> Ok = new(Outcome, "ok");
    public static readonly KeyValuePair<string, object?> Failed = new(Outcome, "failed");
}
