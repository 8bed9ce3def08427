using System.Net;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

/// <summary>The wire side of an IKE SA: Message ID state (RFC 7296 §2.1-§2.3), opening protected messages
/// (decryption, reassembly, the exchange rules) and sealing (and fragmenting) outgoing ones.</summary>
public sealed partial class IkeSa
{
    /// <summary>Our next request's Message ID (RFC 7296 §2.2: IKE_SA_INIT is 0, then one more each request).</summary>
    private uint _nextRequestId;
    private uint _pendingRequestId;
    private IReadOnlyList<byte[]>? _pendingRequest;

    /// <summary>The Message ID the peer's next request must carry (window size 1: we never send SET_WINDOW_SIZE).</summary>
    private uint _expectedRequestId;
    private IReadOnlyList<byte[]>? _lastResponse;
    // SHA-256 of the request last answered: enough to know a retransmission (RFC 7296 §2.1) without keeping a copy
    // of every SA's last request (a few hundred octets each, a hundred thousand SAs).
    private byte[] _lastRequestHash = [];
    private FragmentReassembler? _requestFragments;
    private FragmentReassembler? _responseFragments;

    /// <summary>The request in flight, to be retransmitted as is (RFC 7296 §2.1) until its response arrives.</summary>
    public IReadOnlyList<byte[]>? PendingRequest => _pendingRequest;

    /// <summary>Parses, decrypts (or reassembles) and checks a message against the exchange rules. Returns a drop,
    /// or null with the message; <paramref name="error"/> is set for an authenticated message whose content is
    /// malformed, which a request answers with that Notify (RFC 7296 §2.21.2).</summary>
    private IkeSaResult? Open(ReadOnlyMemory<byte> datagram, IkeHeader header, out IkeMessage? message, out IkeProtocolException? error)
    {
        message = null;
        error = null;
        bool encrypted = MessageRules.IsEncrypted(header.ExchangeType);
        try
        {
            message = IkeMessage.Parse(datagram);
        }
        catch (IkeProtocolException ex)
        {
            return IkeSaResult.Dropped(encrypted ? DropReason.Malformed : DropReason.InvalidUnprotected, ex.Message);
        }

        if (encrypted)
        {
            if (Ciphers is null)
            {
                return IkeSaResult.Dropped(DropReason.WrongState, $"{header.ExchangeType} before keys exist");
            }

            if (message.Payloads.Count == 0 || message.Payloads[^1] is not (EncryptedPayload or EncryptedFragmentPayload))
            {
                // RFC 7296 §3.14: every message of these exchanges travels inside SK (or SKF, RFC 7383). One without
                // it carries nothing that can be authenticated, so it is dropped and answers nothing (§2.21.2).
                return IkeSaResult.Dropped(DropReason.Malformed, $"{header.ExchangeType} without an Encrypted payload");
            }

            try
            {
                if (message.Payloads.Count > 0 && message.Payloads[^1] is EncryptedFragmentPayload)
                {
                    // Requests and responses of the peer are reassembled apart: both may be in flight at once.
                    FragmentReassembler reassembler = header.IsResponse
                        ? _responseFragments ??= new FragmentReassembler()
                        : _requestFragments ??= new FragmentReassembler();
                    switch (reassembler.Add(message, Ciphers.Inbound, out IkeMessage? complete))
                    {
                        case FragmentOutcome.Forged:
                            // RFC 7383 §2.6.2: a fragment that fails its integrity check is discarded silently.
                            return IkeSaResult.Dropped(DropReason.IntegrityCheckFailed, "fragment ICV mismatch");
                        case FragmentOutcome.Stored:
                            return IkeSaResult.Dropped(DropReason.FragmentPending, "fragment stored");
                        case FragmentOutcome.Discarded:
                            return IkeSaResult.Dropped(DropReason.FragmentPending, "authentic fragment discarded (duplicate, stale or too many)");
                    }

                    message = complete!;
                }
                else if (!message.TryDecrypt(Ciphers.Inbound))
                {
                    // RFC 7296 §2.21.2: a message whose integrity check fails is dropped without an answer.
                    return IkeSaResult.Dropped(DropReason.IntegrityCheckFailed, "ICV mismatch");
                }
            }
            catch (IkeProtocolException ex)
            {
                if (message.Payloads.Count > 0 && message.Payloads[^1] is EncryptedPayload { Inner: null })
                {
                    return IkeSaResult.Dropped(DropReason.Malformed, ex.Message);
                }

                error = ex;
                return null;
            }
        }

        try
        {
            MessageRules.Validate(message);
        }
        catch (IkeProtocolException ex)
        {
            if (!encrypted)
            {
                return IkeSaResult.Dropped(DropReason.InvalidUnprotected, ex.Message);
            }

            error = ex;
        }

        return null;
    }

    private IReadOnlyList<byte[]> Encode(IkeMessage message)
    {
        if (!MessageRules.IsEncrypted(message.ExchangeType))
        {
            return [message.ToArray()];
        }

        var inner = new List<Payload>(message.Payloads);
        message.Payloads.Clear();
        message.Payloads.Add(new EncryptedPayload(inner));
        byte[] whole = message.ToEncryptedArray(Ciphers!.Outbound);
        // RFC 7383 §2.5: fragment only when the peer announced support and the message would not fit.
        return PeerSupportsFragmentation && whole.Length > Config.FragmentSize
            ? message.EncodeFragments(Ciphers.Outbound, Config.FragmentSize)
            : [whole];
    }

    /// <summary>RFC 7296 §2.23: with a NAT on the path, messages go to the address and port the latest
    /// authenticated message came from (and IKE floats to port 4500, RFC 3948). Without a NAT a peer may still float
    /// to port 4500 on the same addresses (§2.23 allows it, strongSwan does): that is followed too, since §2.11 wants
    /// responses to leave from where the request arrived and go back where it came from. A change of address
    /// without a NAT is not (that would be MOBIKE, RFC 4555).</summary>
    private void FollowNat(IPEndPoint remote, IPEndPoint local)
    {
        bool floated = remote.Address.Equals(RemoteEndpoint.Address) && local.Address.Equals(LocalEndpoint.Address)
            && (remote.Port != RemoteEndpoint.Port || local.Port != LocalEndpoint.Port);
        if (NatDetected || floated)
        {
            RemoteEndpoint = remote;
            LocalEndpoint = local;
        }
    }
}
