using System.Buffers.Binary;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>MS-CHAPv2 OpCodes inside EAP (draft-kamath-pppext-eap-mschapv2 §2, RFC 2759 §4).</summary>
public enum MsChapV2OpCode : byte
{
    Challenge = 1,
    Response = 2,
    Success = 3,
    Failure = 4,
    ChangePassword = 7,
}

/// <summary>The Type-Data of EAP-MSCHAPv2 packets (draft-kamath-pppext-eap-mschapv2 §2).</summary>
internal static class EapMsChapV2Packets
{
    // Value-Size of a Response: Peer-Challenge (16), Reserved (8), NT-Response (24), Flags (1). RFC 2759 §4.
    public const int ResponseValueSize = 49;

    //  OpCode | MS-CHAPv2-ID | MS-Length (2) | Value-Size | Value ... | Name ...
    // MS-Length counts from OpCode to the end: the EAP Length minus 5 (the draft's §2.1, "MS-Length ... the
    // length of the MS-CHAPv2 packet").
    public static byte[] WithValue(MsChapV2OpCode opCode, byte id, ReadOnlySpan<byte> value, ReadOnlySpan<byte> name)
    {
        var data = new byte[4 + 1 + value.Length + name.Length];
        data[0] = (byte)opCode;
        data[1] = id;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)data.Length);
        data[4] = (byte)value.Length;
        value.CopyTo(data.AsSpan(5));
        name.CopyTo(data.AsSpan(5 + value.Length));
        return data;
    }

    /// <summary>A Success or Failure request: OpCode, MS-CHAPv2-ID, MS-Length, then the message text.</summary>
    public static byte[] WithMessage(MsChapV2OpCode opCode, byte id, string message)
    {
        byte[] text = System.Text.Encoding.ASCII.GetBytes(message);
        var data = new byte[4 + text.Length];
        data[0] = (byte)opCode;
        data[1] = id;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)data.Length);
        text.CopyTo(data.AsSpan(4));
        return data;
    }

    /// <summary>Reads the header; false when the Type-Data is too short or MS-Length disagrees with it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out MsChapV2OpCode opCode, out byte id, out ReadOnlySpan<byte> body)
    {
        opCode = default;
        id = 0;
        body = default;
        if (data.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(data[2..]) != data.Length)
        {
            return false;
        }

        opCode = (MsChapV2OpCode)data[0];
        id = data[1];
        body = data[4..];
        return true;
    }
}
