using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Encoding;

/// <summary>What became of one SKF fragment handed to <see cref="FragmentReassembler.Add"/>.</summary>
public enum FragmentOutcome
{
    /// <summary>Every fragment is in: the whole message is ready.</summary>
    Complete,

    /// <summary>Authentic and stored; more fragments are missing.</summary>
    Stored,

    /// <summary>Not authentic (its ICV fails or its sealed body cannot even be checked): dropped, nothing changed.</summary>
    Forged,

    /// <summary>Authentic but useless (a duplicate, of an older fragmentation, or more fragments than we
    /// reassemble): dropped.</summary>
    Discarded,
}

/// <summary>
/// Collects the SKF fragments of one message (RFC 7383 §2.6) and, when all arrived, yields the message with one
/// <see cref="EncryptedPayload"/> holding the reassembled inner payloads. One instance per IKE SA and direction.
/// Nothing in a fragment is looked at before its ICV verified: a forged fragment can neither end the SA nor
/// disturb a reassembly in progress.
/// </summary>
public sealed class FragmentReassembler
{
    private ReadOnlyMemory<byte>[] _pieces = [];
    private bool[] _have = [];
    private IkeMessage? _first;
    private uint _messageId;
    private int _received;

    /// <summary>
    /// Adds a parsed fragment message. <see cref="FragmentOutcome.Complete"/> comes with the whole message once
    /// every fragment is in. Only a malformed reassembled message (all of it authentic) throws
    /// <see cref="IkeProtocolException"/>: that one is answered like any authenticated malformed request.
    /// </summary>
    public FragmentOutcome Add(IkeMessage fragment, ISkCipher cipher, out IkeMessage? complete)
    {
        complete = null;
        if (fragment.Payloads.Count == 0 || fragment.Payloads[^1] is not EncryptedFragmentPayload skf)
        {
            return ThrowHelper.ThrowInvalidOperation<FragmentOutcome>("not an Encrypted Fragment message");
        }

        try
        {
            // RFC 7383 §2.6.2: each fragment is authenticated on its own; one whose ICV fails is discarded
            // before any of its fields (Fragment Number, Total Fragments) is acted upon.
            if (!fragment.TryDecrypt(cipher))
            {
                return FragmentOutcome.Forged;
            }
        }
        catch (IkeProtocolException)
        {
            // A sealed body too short for IV and ICV cannot be authenticated: as good as forged.
            return FragmentOutcome.Forged;
        }

        if (skf.TotalFragments > CodecLimits.MaxFragments)
        {
            // Authentic, but more pieces than we keep for one message: dropped, like strongSwan's max_fragments.
            return FragmentOutcome.Discarded;
        }

        if (_pieces.Length == 0 || fragment.MessageId != _messageId || skf.TotalFragments > _pieces.Length)
        {
            // RFC 7383 §2.6: a fragment with a larger Total Fragments means the sender re-fragmented: start again.
            _pieces = new ReadOnlyMemory<byte>[skf.TotalFragments];
            _have = new bool[skf.TotalFragments];
            _messageId = fragment.MessageId;
            _received = 0;
            _first = null;
        }
        else if (skf.TotalFragments < _pieces.Length)
        {
            // RFC 7383 §2.6: a smaller Total Fragments belongs to an older fragmentation: discard it.
            return FragmentOutcome.Discarded;
        }

        int index = skf.FragmentNumber - 1;
        if (_have[index])
        {
            return FragmentOutcome.Discarded;
        }

        _pieces[index] = skf.Plaintext!.Value;
        _have[index] = true;
        _received++;
        if (index == 0)
        {
            _first = fragment;
        }

        if (_received < _pieces.Length || _first is null)
        {
            return FragmentOutcome.Stored;
        }

        int length = 0;
        foreach (ReadOnlyMemory<byte> piece in _pieces)
        {
            length += piece.Length;
        }

        var whole = new byte[length];
        int offset = 0;
        foreach (ReadOnlyMemory<byte> piece in _pieces)
        {
            piece.Span.CopyTo(whole.AsSpan(offset));
            offset += piece.Length;
        }

        IkeMessage first = _first;
        _pieces = [];
        _have = [];
        _first = null;
        _received = 0;
        var firstSkf = (EncryptedFragmentPayload)first.Payloads[^1];
        List<Payload> inner = PayloadChain.Parse(whole, firstSkf.FirstInnerPayload, allowEncrypted: false, out _);
        complete = new IkeMessage(first.ExchangeType, first.InitiatorSpi, first.ResponderSpi, first.MessageId, first.Flags)
        {
            Version = first.Version,
        };
        complete.Payloads.Add(new EncryptedPayload(inner));
        return FragmentOutcome.Complete;
    }
}
