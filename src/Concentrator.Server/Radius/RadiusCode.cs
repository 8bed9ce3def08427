namespace Concentrator.Server.Radius;

/// <summary>The RADIUS packet codes this client sends or accepts (RFC 2865 §3, RFC 2866 §3-4).</summary>
public enum RadiusCode : byte
{
    AccessRequest = 1,
    AccessAccept = 2,
    AccessReject = 3,
    AccountingRequest = 4,
    AccountingResponse = 5,
    AccessChallenge = 11,
}
