using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;

namespace Concentrator.Server.Sa;

/// <summary>What to do with a new, well-formed IKE_SA_INIT request.</summary>
public enum AdmissionKind
{
    /// <summary>Create the IKE SA.</summary>
    Admit,

    /// <summary>Answer with N(COOKIE) (<see cref="AdmissionVerdict.Cookie"/>) and create nothing.</summary>
    DemandCookie,

    /// <summary>Drop it unanswered: the half-open limit is reached.</summary>
    OverLimit,
}

/// <summary><paramref name="Cookie"/>: for <see cref="AdmissionKind.DemandCookie"/>, the cookie to send.</summary>
public readonly record struct AdmissionVerdict(AdmissionKind Kind, byte[]? Cookie = null);

/// <summary>
/// Decides, before any state or Diffie-Hellman, whether a new IKE_SA_INIT request gets an IKE SA (RFC 7296 §2.6),
/// and counts the half-open SAs it admitted, in total and per source address. Cookies are demanded from everyone
/// once <see cref="HalfOpenSettings.CookieThreshold"/> SAs are half-open, and from one source once it has
/// <see cref="HalfOpenSettings.PerSourceCookieThreshold"/> of its own: many honest clients behind one NAT address
/// return the cookie and get in (one round trip more), a spoofed flood from that address cannot. At
/// <see cref="HalfOpenSettings.Limit"/> new requests are dropped, cookie or not: the memory of the half-open set
/// is bounded. Pure (clock and randomness are in the <see cref="CookieGenerator"/>); not thread-safe.
/// </summary>
public sealed class HalfOpenAdmission
{
    private readonly HalfOpenSettings _settings;
    private readonly CookieGenerator _cookies;
    private readonly Dictionary<IPAddress, int> _bySource = [];

    public HalfOpenAdmission(HalfOpenSettings settings, CookieGenerator cookies)
    {
        _settings = settings;
        _cookies = cookies;
    }

    /// <summary>Half-open SAs admitted and not yet <see cref="Closed"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Source addresses with at least one half-open SA (bounded by <see cref="HalfOpenSettings.Limit"/>).</summary>
    public int Sources => _bySource.Count;

    public int CountOf(IPAddress source) => _bySource.GetValueOrDefault(source);

    /// <summary>The verdict for <paramref name="request"/> (a well-formed IKE_SA_INIT, see <see cref="FirstRequest"/>)
    /// from <paramref name="source"/>. Admitting does not count it: call <see cref="Opened"/> once the SA exists.</summary>
    public AdmissionVerdict Decide(IkeMessage request, IPAddress source)
    {
        if (Count >= _settings.Limit)
        {
            return new AdmissionVerdict(AdmissionKind.OverLimit);
        }

        if (Count < _settings.CookieThreshold && CountOf(source) < _settings.PerSourceCookieThreshold)
        {
            return new AdmissionVerdict(AdmissionKind.Admit);
        }

        // RFC 7296 §2.6: Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>), checked without state.
        ReadOnlySpan<byte> ni = request.Get<NoncePayload>()!.Data.Span;
        if (request.GetNotify(NotifyType.Cookie) is { } cookie && _cookies.Verify(cookie.Data.Span, ni, source, request.InitiatorSpi))
        {
            return new AdmissionVerdict(AdmissionKind.Admit);
        }

        return new AdmissionVerdict(AdmissionKind.DemandCookie, _cookies.Create(ni, source, request.InitiatorSpi));
    }

    public void Opened(IPAddress source)
    {
        Count++;
        _bySource[source] = CountOf(source) + 1;
    }

    public void Closed(IPAddress source)
    {
        if (!_bySource.TryGetValue(source, out int count))
        {
            return;
        }

        Count--;
        if (count <= 1)
        {
            _bySource.Remove(source);
        }
        else
        {
            _bySource[source] = count - 1;
        }
    }
}
