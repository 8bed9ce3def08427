using System.Diagnostics.CodeAnalysis;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Encoding;

/// <summary>
/// Collects the SKF fragments of one message (RFC 7383 §2.6) and, when all arrived, yields the message with one
/// <see cref="EncryptedPayload"/> holding the reassembled inner payloads. One instance per IKE SA and direction.
/// </summary>
public sealed class FragmentReassembler
{
    private ReadOnlyMemory<byte>[] _pieces = [];
    private bool[] _have = [];
    private IkeMessage? _first;
    private uint _messageId;
    private int _received;

    /// <summary>
    /// Adds a parsed fragment message. Returns true with the whole message once every fragment is in.
    /// Fragments whose ICV fails, duplicates, and fragments of a stale total are dropped (false), as
    /// RFC 7383 §2.6 prescribes.
    /// </summary>
    public bool TryAdd(IkeMessage fragment, ISkCipher cipher, [NotNullWhen(true)] out IkeMessage? complete)
    {
        complete = null;
        if (fragment.Payloads.Count == 0 || fragment.Payloads[^1] is not EncryptedFragmentPayload skf)
        {
            ThrowHelper.ThrowInvalidSyntax("not an Encrypted Fragment message");
            return false;
        }

        if (skf.TotalFragments > CodecLimits.MaxFragments)
        {
            ThrowHelper.ThrowInvalidSyntax($"{skf.TotalFragments} fragments");
        }

        if (!fragment.TryDecrypt(cipher))
        {
            return false;
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
            return false;
        }

        int index = skf.FragmentNumber - 1;
        if (_have[index])
        {
            return false;
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
            return false;
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

        var firstSkf = (EncryptedFragmentPayload)_first.Payloads[^1];
        List<Payload> inner = PayloadChain.Parse(whole, firstSkf.FirstInnerPayload, allowEncrypted: false, out _);
        complete = new IkeMessage(_first.ExchangeType, _first.InitiatorSpi, _first.ResponderSpi, _first.MessageId, _first.Flags)
        {
            Version = _first.Version,
        };
        complete.Payloads.Add(new EncryptedPayload(inner));
        _pieces = [];
        _have = [];
        _first = null;
        _received = 0;
        return true;
    }
}
