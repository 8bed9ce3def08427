using System.Buffers;

namespace Concentrator.Ike.Auth.Eap.Tls;

/// <summary>
/// Collects the fragments of one TLS message the other side sends (RFC 5216 §2.1.5): the L flag announces the
/// total length, M says more follow. Refuses, with a reason, what would be a lie or too much: fragments beyond the
/// announced length, a last fragment short of it, a message above the configured maximum.
/// </summary>
internal sealed class EapTlsReassembly(int maxMessage)
{
    private readonly ArrayBufferWriter<byte> _message = new();
    private uint? _announced;

    public bool InProgress => _message.WrittenCount > 0 || _announced is not null;

    /// <summary>Adds <paramref name="frame"/>; <paramref name="complete"/> is the whole message once the last
    /// fragment arrived, null while more are to come. False with <paramref name="problem"/> when it is refused.</summary>
    public bool TryAdd(EapTlsFrame frame, out byte[]? complete, out string? problem)
    {
        complete = null;
        uint? announced = _announced;
        if (frame.MessageLength is { } length)
        {
            if (length > maxMessage)
            {
                problem = $"EAP-TLS message of {length} octets announced, at most {maxMessage} accepted";
                return false;
            }

            // RFC 5216 §2.1.5: the L flag is set on the first fragment; later fragments may repeat the same length.
            if (announced is { } earlier && earlier != length)
            {
                problem = $"EAP-TLS fragment announces {length} octets, the first announced {earlier}";
                return false;
            }

            announced = length;
        }

        long total = _message.WrittenCount + frame.Data.Length;
        if (total > (announced ?? (uint)maxMessage))
        {
            problem = announced is { } a ? $"EAP-TLS fragments carry {total} octets, {a} were announced" : $"EAP-TLS message above {maxMessage} octets";
            return false;
        }

        if (!frame.Flags.HasFlag(EapTlsFlags.More) && announced is { } whole && total != whole)
        {
            problem = $"last EAP-TLS fragment ends the message at {total} octets, {whole} were announced";
            return false;
        }

        // Only a fragment that fits changes the state: a refused one leaves the message as it was.
        _announced = announced;
        _message.Write(frame.Data.Span);
        problem = null;
        if (frame.Flags.HasFlag(EapTlsFlags.More))
        {
            return true;
        }

        complete = _message.WrittenSpan.ToArray();
        _message.Clear();
        _announced = null;
        return true;
    }
}

/// <summary>Cuts one outgoing TLS message into fragments of at most a configured size (RFC 5216 §2.1.5: the first
/// with L and the total length, all but the last with M).</summary>
internal sealed class EapTlsFragmenter(int fragmentSize)
{
    private byte[] _message = [];
    private int _sent;

    /// <summary>Fragments of the current message remain to be sent.</summary>
    public bool Pending => _sent < _message.Length;

    public void Start(byte[] message)
    {
        _message = message;
        _sent = 0;
    }

    /// <summary>The next fragment's Type-Data.</summary>
    public byte[] Next()
    {
        int size = Math.Min(fragmentSize, _message.Length - _sent);
        bool first = _sent == 0;
        bool more = _sent + size < _message.Length;
        // The length is sent on the first fragment of a fragmented message (a MUST of §2.1.5) and, as strongSwan does,
        // on an unfragmented one too (§3.1: "MAY").
        var frame = new EapTlsFrame(more ? EapTlsFlags.More : EapTlsFlags.None, first ? (uint)_message.Length : null,
            _message.AsMemory(_sent, size));
        _sent += size;
        return frame.Encode();
    }
}
