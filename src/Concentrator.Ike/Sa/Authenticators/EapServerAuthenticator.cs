using System.Text;
using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>How a connection authenticates its peers with EAP (RFC 7296 §2.16): the backend for each conversation and
/// the EAP identity to use (strongSwan's <c>eap_id</c>).</summary>
/// <param name="CreateServer">A fresh backend per IKE SA (a local method, or a relay to RADIUS).</param>
/// <param name="EapIdentity">Null: the peer's IDi is its EAP identity; otherwise the peer is asked with EAP-Identity
/// and its answer must match this (<see cref="IkeIdentity.Any"/>: any answer).</param>
public sealed record EapServerConfig(Func<IEapServer> CreateServer, IkeIdentity? EapIdentity = null)
{
    /// <summary>EAP-only authentication (RFC 5998) is allowed: a peer that sends EAP_ONLY_AUTHENTICATION and meets a
    /// mutual method (<see cref="IEapServer.IsMutual"/>) gets no CERT/AUTH of ours in the first IKE_AUTH response; the
    /// method and the MSK-based AUTH authenticate the gateway. Other peers get the local AUTH as usual.</summary>
    public bool EapOnly { get; init; }
}

/// <summary>How an initiator answers EAP (the load generator, tests): its EAP identity and a fresh method per SA.</summary>
public sealed record EapClientConfig(string Identity, Func<IEapClient> CreateClient)
{
    /// <summary>Send EAP_ONLY_AUTHENTICATION (RFC 5998 §3) in the first IKE_AUTH, as strongSwan's initiator always does:
    /// the responder may then leave out its AUTH, accepted only when the method is mutual.</summary>
    public bool OfferEapOnly { get; init; }
}

/// <summary>What the responder does with one EAP response.</summary>
internal enum EapVerdict
{
    /// <summary>A step is known (<see cref="EapServerAuthenticator.Step"/>): answer it.</summary>
    Answer,

    /// <summary>The backend answers later (<see cref="EapStep.Pending"/>).</summary>
    Pending,

    /// <summary>The response is not part of this conversation (wrong Identifier, not a response): RFC 3748 §4.1 has
    /// it silently discarded, so the IKE request is dropped and counted.</summary>
    Discard,
}

/// <summary>
/// The authenticator side of one IKE SA's EAP conversation (strongSwan's eap_authenticator, server role): the
/// EAP-Identity exchange when the connection asks for it, then the backend's method; it checks every response's
/// framing and Identifier before the backend sees it, and keeps the MSK. Stateful: one per IKE SA.
/// </summary>
internal sealed class EapServerAuthenticator
{
    private readonly EapServerConfig _config;
    private readonly IEapServer _server;
    private byte _identifier;
    private byte? _answered;
    private bool _askedIdentity;

    public EapServerAuthenticator(EapServerConfig config, byte firstIdentifier)
    {
        _config = config;
        _server = config.CreateServer();
        _identifier = firstIdentifier;
    }

    /// <summary>The step to answer with (a request, the end), after <see cref="Start"/>, <see cref="Process"/> or
    /// <see cref="Resume"/>.</summary>
    public EapStep? Step { get; private set; }

    /// <summary>The EAP identity: IDi, or the peer's EAP-Identity answer.</summary>
    public string? Identity { get; private set; }

    /// <summary>Whether the identity came from EAP-Identity (then it names the peer rather than IDi).</summary>
    public bool IdentityAsked => _askedIdentity;

    public byte[]? Msk => (Step as EapStep.Success)?.Msk;

    public bool Succeeded => Step is EapStep.Success;

    /// <summary>The backend's method is safe for EAP-only authentication (RFC 5998 §4).</summary>
    public bool IsMutual => _server.IsMutual;

    /// <summary>Why the last response was discarded (for the count's log line).</summary>
    public string? DiscardReason { get; private set; }

    /// <summary>The first request: EAP-Identity, or the method for <paramref name="idi"/>.</summary>
    public EapVerdict Start(IkeIdentity idi)
    {
        if (_config.EapIdentity is null)
        {
            Identity = IdText(idi);
            return Take(_server.Start(Identity, _identifier));
        }

        // RFC 3748 §5.1: the authenticator asks "Identity"; the response carries it (no Type-Data here).
        _askedIdentity = true;
        return Take(new EapStep.Request(EapPacket.Request(_identifier, EapType.Identity, ReadOnlyMemory<byte>.Empty).Encode()));
    }

    /// <summary>The peer's EAP response (the EAP payload's octets).</summary>
    public EapVerdict Process(ReadOnlyMemory<byte> message)
    {
        DiscardReason = null;
        if (!EapPacket.TryParse(message, out EapPacket packet, out string? problem))
        {
            return Discard(problem!);
        }

        if (Step is not EapStep.Request || packet.Code != EapCode.Response)
        {
            return Discard($"EAP {packet.Code} while {(Step is EapStep.Request ? "a response" : "nothing")} is expected");
        }

        // RFC 3748 §4.1: "The Identifier field of the Response MUST match that of the currently outstanding
        // Request"; the authenticator silently discards one that does not.
        if (packet.Identifier != _identifier)
        {
            return Discard($"EAP response Identifier {packet.Identifier}, expected {_identifier}");
        }

        byte? answeredBefore = _answered;
        _answered = _identifier;
        _identifier++;
        if (packet.Type == EapType.Nak && !(Identity is not null && _server.AcceptsNak))
        {
            // RFC 3748 §5.3.1: the peer refuses the method we offered; we have no other for it.
            return Take(new EapStep.Failure("the peer refused the EAP method (Nak)"));
        }

        if (Identity is null)
        {
            return packet.Type == EapType.Identity ? IdentityAnswered(packet) : Take(new EapStep.Failure($"EAP type {(byte)packet.Type} instead of Identity"));
        }

        EapStep step = _server.Process(packet);
        if (step is EapStep.Discard discard)
        {
            // The outstanding request stays outstanding: its Identifier is still the one a response must carry.
            _identifier--;
            _answered = answeredBefore;
            return Discard(discard.Reason);
        }

        return Take(step);
    }

    /// <summary>Online revocation for a method that checks a client certificate (EAP-TLS); false when the method has none.</summary>
    public bool UseRevocation(Auth.Certificates.RevocationCache cache)
    {
        if (_server is not IRevocationWaiter waiter)
        {
            return false;
        }

        waiter.UseRevocation(cache);
        return true;
    }

    /// <summary>The revocation fetches a <see cref="EapStep.Pending"/> asked for ended: the method goes on.</summary>
    public EapVerdict RevocationFetched() =>
        _server is IRevocationWaiter waiter ? Take(waiter.RevocationFetched()) : Take(new EapStep.Failure("revocation fetched for an EAP method that checks no certificate"));

    /// <summary>The backend's late answer to a <see cref="EapStep.Pending"/>.</summary>
    public EapVerdict Resume(EapStep step) => Take(step);

    private EapVerdict IdentityAnswered(EapPacket packet)
    {
        string identity;
        try
        {
            identity = new UTF8Encoding(false, true).GetString(packet.Data.Span);
        }
        catch (DecoderFallbackException)
        {
            return Take(new EapStep.Failure("EAP identity is not UTF-8"));
        }

        if (identity.Length == 0 || identity.Any(c => char.IsControl(c) || c == ' '))
        {
            return Take(new EapStep.Failure($"EAP identity '{EapMsChapV2Server.Printable(identity)}' is empty or has control characters"));
        }

        if (_config.EapIdentity is { } wanted && wanted.Match(IkeIdentity.Parse(identity)) == 0)
        {
            return Take(new EapStep.Failure($"EAP identity '{identity}' is not one the connection accepts"));
        }

        Identity = identity;
        return Take(_server.Start(identity, _identifier));
    }

    private EapVerdict Take(EapStep step)
    {
        if (step is EapStep.Pending)
        {
            Step = step;
            return EapVerdict.Pending;
        }

        if (step is EapStep.Discard nothing)
        {
            // Only a response can be discarded; a backend that has nothing to start or resume with has failed.
            step = new EapStep.Failure(nothing.Reason);
        }

        if (step is EapStep.Request request)
        {
            if (!EapPacket.TryParse(request.Message, out EapPacket packet, out string? problem) || packet.Code != EapCode.Request)
            {
                step = new EapStep.Failure($"the EAP backend sent no request: {problem ?? packet.Code.ToString()}");
            }
            else
            {
                // Whoever made the request (a local method, a RADIUS server) chose its Identifier.
                _identifier = packet.Identifier;
            }
        }

        Step = step;
        return EapVerdict.Answer;
    }

    /// <summary>The EAP packet that ends the conversation: Success, or Failure when <see cref="Step"/> is one. RFC 3748
    /// §4.2: its Identifier "MUST match the Identifier field of the Response packet that it is sent in response to"
    /// (strongSwan's server_process_eap answers with in->get_identifier()); a conversation that fails before any
    /// Response (the backend refused the IDi at once) uses the Identifier its first Request would have had.</summary>
    public byte[] Outcome()
    {
        byte identifier = _answered ?? _identifier;
        return (Succeeded ? EapPacket.Success(identifier) : EapPacket.Failure(identifier)).Encode();
    }

    private EapVerdict Discard(string reason)
    {
        DiscardReason = reason;
        return EapVerdict.Discard;
    }

    internal static string IdText(IkeIdentity id) =>
        id.Type is IdType.Fqdn or IdType.Rfc822Address
            ? System.Text.Encoding.ASCII.GetString(id.Data.Span) : id.ToString();
}
