using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Encoding;

/// <summary>How many payloads of one type a message may carry, and whether inside the SK payload.</summary>
/// <param name="Type">The payload type.</param>
/// <param name="Min">Fewest occurrences (unless a <paramref name="Sufficient"/> payload is present).</param>
/// <param name="Max">Most occurrences.</param>
/// <param name="Encrypted">True when the payload must be inside SK, false when it must be outside.</param>
/// <param name="Sufficient">When present, the minimums of the other rules are waived (an error or COOKIE
/// Notify may stand alone in a response).</param>
public readonly record struct PayloadRule(PayloadType Type, int Min, int Max, bool Encrypted, bool Sufficient = false);

/// <summary>
/// Which payloads each exchange and direction may carry (after strongSwan's <c>ike_sa_init_i_rules[]</c> …),
/// derived from RFC 7296 §1.2-§1.5, RFC 5723 §4 and RFC 9242 §2. <see cref="Validate"/> runs on a parsed message
/// after its SK payload is decrypted (or on a reassembled one); a violation is INVALID_SYNTAX.
/// </summary>
public static class MessageRules
{
    private const int Many = CodecLimits.MaxPayloads;

    // RFC 7296 §1.2: HDR, SAi1, KEi, Ni  -->
    private static readonly PayloadRule[] IkeSaInitRequest =
    [
        new(PayloadType.Notify, 0, Many, false),
        new(PayloadType.VendorId, 0, Many, false),
        new(PayloadType.SecurityAssociation, 1, 1, false),
        new(PayloadType.KeyExchange, 1, 1, false),
        new(PayloadType.Nonce, 1, 1, false),
    ];

    // RFC 7296 §1.2: <--  HDR, SAr1, KEr, Nr, [CERTREQ]; §2.6/§1.3: a response may be just N(COOKIE),
    // N(INVALID_KE_PAYLOAD) or N(NO_PROPOSAL_CHOSEN).
    private static readonly PayloadRule[] IkeSaInitResponse =
    [
        new(PayloadType.Notify, 0, Many, false, Sufficient: true),
        new(PayloadType.SecurityAssociation, 1, 1, false),
        new(PayloadType.KeyExchange, 1, 1, false),
        new(PayloadType.Nonce, 1, 1, false),
        new(PayloadType.CertificateRequest, 0, Many, false),
        new(PayloadType.VendorId, 0, Many, false),
    ];

    // RFC 7296 §1.2, §2.16: HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr}; with EAP the later
    // rounds carry only EAP or AUTH, and a childless setup (RFC 6023) no SA/TS, so every minimum is zero.
    private static readonly PayloadRule[] IkeAuthRequest =
    [
        new(PayloadType.Notify, 0, Many, true),
        new(PayloadType.IdInitiator, 0, 1, true),
        new(PayloadType.Certificate, 0, Many, true),
        new(PayloadType.CertificateRequest, 0, Many, true),
        new(PayloadType.IdResponder, 0, 1, true),
        new(PayloadType.Authentication, 0, 1, true),
        new(PayloadType.Eap, 0, 1, true),
        new(PayloadType.Configuration, 0, 1, true),
        new(PayloadType.SecurityAssociation, 0, 1, true),
        new(PayloadType.TrafficSelectorInitiator, 0, 1, true),
        new(PayloadType.TrafficSelectorResponder, 0, 1, true),
        new(PayloadType.VendorId, 0, Many, true),
    ];

    // RFC 7296 §1.2: <--  HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
    private static readonly PayloadRule[] IkeAuthResponse =
    [
        new(PayloadType.Notify, 0, Many, true),
        new(PayloadType.IdResponder, 0, 1, true),
        new(PayloadType.Certificate, 0, Many, true),
        new(PayloadType.Authentication, 0, 1, true),
        new(PayloadType.Eap, 0, 1, true),
        new(PayloadType.Configuration, 0, 1, true),
        new(PayloadType.SecurityAssociation, 0, 1, true),
        new(PayloadType.TrafficSelectorInitiator, 0, 1, true),
        new(PayloadType.TrafficSelectorResponder, 0, 1, true),
        new(PayloadType.VendorId, 0, Many, true),
    ];

    // RFC 7296 §1.3: HDR, SK {[N], SA, Ni, [KEi], [TSi, TSr]}
    private static readonly PayloadRule[] CreateChildSaRequest =
    [
        new(PayloadType.Notify, 0, Many, true),
        new(PayloadType.SecurityAssociation, 1, 1, true),
        new(PayloadType.Nonce, 1, 1, true),
        new(PayloadType.KeyExchange, 0, 1, true),
        new(PayloadType.TrafficSelectorInitiator, 0, 1, true),
        new(PayloadType.TrafficSelectorResponder, 0, 1, true),
        new(PayloadType.VendorId, 0, Many, true),
    ];

    // RFC 7296 §1.3: <--  HDR, SK {SA, Nr, [KEr], [TSi, TSr]}, or an error Notify alone.
    private static readonly PayloadRule[] CreateChildSaResponse =
    [
        new(PayloadType.Notify, 0, Many, true, Sufficient: true),
        new(PayloadType.SecurityAssociation, 1, 1, true),
        new(PayloadType.Nonce, 1, 1, true),
        new(PayloadType.KeyExchange, 0, 1, true),
        new(PayloadType.TrafficSelectorInitiator, 0, 1, true),
        new(PayloadType.TrafficSelectorResponder, 0, 1, true),
        new(PayloadType.VendorId, 0, Many, true),
    ];

    // RFC 7296 §1.4: HDR, SK {[N,] [D,] [CP,] ...}; an empty one is the liveness check (§2.4).
    private static readonly PayloadRule[] Informational =
    [
        new(PayloadType.Notify, 0, Many, true),
        new(PayloadType.Delete, 0, Many, true),
        new(PayloadType.Configuration, 0, 1, true),
        new(PayloadType.VendorId, 0, Many, true),
    ];

    // RFC 5723 §4.1: HDR, [N(TICKET_OPAQUE)], Ni, [N+] --> (unencrypted); <-- HDR, Nr, [N+].
    private static readonly PayloadRule[] SessionResumeRequest =
    [
        new(PayloadType.Notify, 1, Many, false),
        new(PayloadType.Nonce, 1, 1, false),
        new(PayloadType.VendorId, 0, Many, false),
    ];

    private static readonly PayloadRule[] SessionResumeResponse =
    [
        new(PayloadType.Notify, 0, Many, false, Sufficient: true),
        new(PayloadType.Nonce, 1, 1, false),
        new(PayloadType.VendorId, 0, Many, false),
    ];

    // RFC 9242 §2.1 / RFC 9370 §2.2.2: HDR, SK {..., [KEi(n)]} -->
    private static readonly PayloadRule[] Intermediate =
    [
        new(PayloadType.Notify, 0, Many, true),
        new(PayloadType.KeyExchange, 0, 1, true),
        new(PayloadType.VendorId, 0, Many, true),
    ];

    /// <summary>The rules for one exchange and direction, or null for an exchange this table does not know.</summary>
    public static IReadOnlyList<PayloadRule>? For(ExchangeType exchange, bool response) => exchange switch
    {
        ExchangeType.IkeSaInit => response ? IkeSaInitResponse : IkeSaInitRequest,
        ExchangeType.IkeAuth => response ? IkeAuthResponse : IkeAuthRequest,
        ExchangeType.CreateChildSa => response ? CreateChildSaResponse : CreateChildSaRequest,
        ExchangeType.Informational => Informational,
        ExchangeType.IkeSessionResume => response ? SessionResumeResponse : SessionResumeRequest,
        ExchangeType.IkeIntermediate or ExchangeType.IkeFollowupKe => Intermediate,
        _ => null,
    };

    /// <summary>True when the exchange's content travels inside an SK payload (every exchange after
    /// IKE_SA_INIT, RFC 7296 §1.2; IKE_SESSION_RESUME is in the clear, RFC 5723 §4.1).</summary>
    public static bool IsEncrypted(ExchangeType exchange) =>
        exchange is not (ExchangeType.IkeSaInit or ExchangeType.IkeSessionResume);

    /// <summary>
    /// Checks <paramref name="message"/> against the table. Unknown payloads (kept because their critical bit was
    /// clear, RFC 7296 §2.5) are not counted. Throws <see cref="IkeProtocolException"/> (INVALID_SYNTAX).
    /// Unprotected INFORMATIONAL notifications outside an IKE SA (RFC 7296 §1.5, e.g. INVALID_IKE_SPI) are not
    /// exchanges of an SA and fail here; the socket layer treats them before any SA sees them.
    /// </summary>
    public static void Validate(IkeMessage message)
    {
        IReadOnlyList<PayloadRule> rules = For(message.ExchangeType, message.IsResponse)
            ?? ThrowHelper.ThrowInvalidSyntax<IReadOnlyList<PayloadRule>>($"unknown exchange type {(byte)message.ExchangeType}");
        bool encryptedExchange = IsEncrypted(message.ExchangeType);
        Span<int> counts = stackalloc int[rules.Count];
        bool sufficient = false;
        bool sawEncrypted = false;

        foreach (Payload payload in message.Payloads)
        {
            if (payload is EncryptedPayload or EncryptedFragmentPayload)
            {
                if (!encryptedExchange)
                {
                    ThrowHelper.ThrowInvalidSyntax($"{payload.Type} payload in {message.ExchangeType}");
                }

                sawEncrypted = true;
                if (payload is EncryptedPayload { Inner: { } inner })
                {
                    foreach (Payload content in inner)
                    {
                        Count(rules, counts, content, encrypted: true, message, ref sufficient);
                    }
                }

                continue;
            }

            Count(rules, counts, payload, encrypted: false, message, ref sufficient);
        }

        // RFC 7296 §3.14: every exchange after IKE_SA_INIT is protected; its payloads travel inside SK.
        if (encryptedExchange && !sawEncrypted)
        {
            ThrowHelper.ThrowInvalidSyntax($"{message.ExchangeType} message without an Encrypted payload");
        }

        for (int i = 0; i < rules.Count; i++)
        {
            if (counts[i] > rules[i].Max)
            {
                ThrowHelper.ThrowInvalidSyntax($"{counts[i]} {rules[i].Type} payloads in {message.ExchangeType}, at most {rules[i].Max}");
            }

            if (!sufficient && counts[i] < rules[i].Min && !IsUndecryptedFragment(message))
            {
                ThrowHelper.ThrowInvalidSyntax($"{message.ExchangeType} {(message.IsResponse ? "response" : "request")} without {rules[i].Type}");
            }
        }
    }

    private static bool IsUndecryptedFragment(IkeMessage message) =>
        message.Payloads.Count > 0 && message.Payloads[^1] is EncryptedFragmentPayload or EncryptedPayload { Inner: null };

    private static void Count(IReadOnlyList<PayloadRule> rules, Span<int> counts, Payload payload, bool encrypted,
        IkeMessage message, ref bool sufficient)
    {
        if (payload is UnknownPayload)
        {
            return;
        }

        for (int i = 0; i < rules.Count; i++)
        {
            if (rules[i].Type != payload.Type)
            {
                continue;
            }

            if (rules[i].Encrypted != encrypted)
            {
                ThrowHelper.ThrowInvalidSyntax(
                    $"{payload.Type} {(encrypted ? "inside" : "outside")} the Encrypted payload of {message.ExchangeType}");
            }

            counts[i]++;
            // Only an error or COOKIE Notify stands in for the missing payloads, not e.g. NAT_DETECTION_*.
            sufficient |= rules[i].Sufficient
                && payload is NotifyPayload { IsError: true } or NotifyPayload { NotifyType: NotifyType.Cookie };
            return;
        }

        ThrowHelper.ThrowInvalidSyntax($"{payload.Type} not allowed in {message.ExchangeType} {(message.IsResponse ? "response" : "request")}");
    }
}
