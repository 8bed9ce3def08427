using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Concentrator.Server.Tests.Radius;

#pragma warning disable CA5350, CA5351 // EAP-MD5, MS-CHAPv2 and MPPE are MD5/MD4/SHA-1/DES by definition (RFC 3748, RFC 2759, RFC 3079).

/// <summary>
/// The client side of EAP, only as much as the FreeRADIUS tests need: Identity and Nak (RFC 3748 §5.1, §5.3.1),
/// EAP-MD5 (RFC 3748 §5.4), EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2 over RFC 2759) and the MPPE keys the
/// server must derive from it (RFC 3079 §3.3-3.4).
/// </summary>
internal static class EapTestPeer
{
    public const byte Request = 1;
    public const byte Response = 2;
    public const byte Success = 3;
    public const byte Failure = 4;
    public const byte TypeIdentity = 1;
    public const byte TypeNak = 3;
    public const byte TypeMd5 = 4;
    public const byte TypeMsChapV2 = 26;

    public static byte[] Packet(byte code, byte identifier, byte type, ReadOnlySpan<byte> data)
    {
        var p = new byte[5 + data.Length];
        p[0] = code;
        p[1] = identifier;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[4] = type;
        data.CopyTo(p.AsSpan(5));
        return p;
    }

    public static byte[] Identity(byte identifier, string name) => Packet(Response, identifier, TypeIdentity, Encoding.UTF8.GetBytes(name));

    public static byte[] Nak(byte[] request, byte desired) => Packet(Response, request[1], TypeNak, [desired]);

    /// <summary>RFC 3748 §5.4 / RFC 1994: MD5(Identifier + secret + Challenge).</summary>
    public static byte[] Md5Response(byte[] request, string password)
    {
        Assert.Equal(TypeMd5, request[4]);
        var challenge = request.AsSpan(6, request[5]);
        var hash = MD5.HashData([request[1], .. Encoding.UTF8.GetBytes(password), .. challenge]);
        return Packet(Response, request[1], TypeMd5, [16, .. hash]);
    }

    /// <summary>The MS-CHAPv2 Response to a Challenge (RFC 2759 §4, §8): Peer-Challenge, 8 reserved, NT-Response, Flags, Name.</summary>
    public static byte[] MsChapV2Response(byte[] request, string user, string password, out byte[] ntResponse)
    {
        Assert.Equal(TypeMsChapV2, request[4]);
        Assert.Equal(1, request[5]); // OpCode Challenge
        var msChapId = request[6];
        Assert.Equal(16, request[9]);
        var authChallenge = request.AsSpan(10, 16).ToArray();
        var peerChallenge = RandomNumberGenerator.GetBytes(16);
        var name = Encoding.UTF8.GetBytes(user);
        var challenge = SHA1.HashData([.. peerChallenge, .. authChallenge, .. name])[..8];
        ntResponse = ChallengeResponse(challenge, NtPasswordHash(password));
        var value = new byte[49];
        peerChallenge.CopyTo(value, 0);
        ntResponse.CopyTo(value, 24);
        var data = new byte[4 + 1 + 49 + name.Length];
        data[0] = 2; // OpCode Response
        data[1] = msChapId;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)(data.Length));
        data[4] = 49;
        value.CopyTo(data, 5);
        name.CopyTo(data, 54);
        return Packet(Response, request[1], TypeMsChapV2, data);
    }

    /// <summary>The peer's answer to the server's Success-Request: OpCode Success alone.</summary>
    public static byte[] MsChapV2SuccessAck(byte[] request)
    {
        Assert.Equal(TypeMsChapV2, request[4]);
        Assert.Equal(3, request[5]);
        return Packet(Response, request[1], TypeMsChapV2, [3]);
    }

    public static byte[] NtPasswordHash(string password) => Md4(Encoding.Unicode.GetBytes(password));

    /// <summary>RFC 3079 §3.4: the server's MPPE send and receive keys (128-bit) after MS-CHAPv2.</summary>
    public static (byte[] ServerSend, byte[] ServerReceive) MppeKeys(string password, byte[] ntResponse)
    {
        var hashHash = Md4(NtPasswordHash(password));
        var masterKey = SHA1.HashData([.. hashHash, .. ntResponse, .. "This is the MPPE Master Key"u8])[..16];
        var magic2 = "On the client side, this is the send key; on the server side, it is the receive key."u8.ToArray();
        var magic3 = "On the client side, this is the receive key; on the server side, it is the send key."u8.ToArray();
        byte[] Key(byte[] magic) => SHA1.HashData([.. masterKey, .. new byte[40], .. magic, .. Enumerable.Repeat((byte)0xf2, 40)])[..16];
        return (Key(magic3), Key(magic2));
    }

    private static byte[] Md4(byte[] data)
    {
        var md4 = new MD4Digest();
        md4.BlockUpdate(data, 0, data.Length);
        var hash = new byte[16];
        md4.DoFinal(hash, 0);
        return hash;
    }

    /// <summary>RFC 2759 §8.5: the 16-octet hash padded to 21, three DES keys of 7 octets each encrypting the challenge.</summary>
    private static byte[] ChallengeResponse(byte[] challenge, byte[] passwordHash)
    {
        var z = new byte[21];
        passwordHash.CopyTo(z, 0);
        var response = new byte[24];
        for (var i = 0; i < 3; i++)
        {
            using var des = DES.Create();
            des.Key = DesKey(z.AsSpan(i * 7, 7));
            des.EncryptEcb(challenge, PaddingMode.None).CopyTo(response, i * 8);
        }

        return response;
    }

    /// <summary>Spreads 56 key bits over 8 octets (the low bit of each is parity, ignored by DES).</summary>
    private static byte[] DesKey(ReadOnlySpan<byte> k) =>
    [
        k[0],
        (byte)((k[0] << 7) | (k[1] >> 1)),
        (byte)((k[1] << 6) | (k[2] >> 2)),
        (byte)((k[2] << 5) | (k[3] >> 3)),
        (byte)((k[3] << 4) | (k[4] >> 4)),
        (byte)((k[4] << 3) | (k[5] >> 5)),
        (byte)((k[5] << 2) | (k[6] >> 6)),
        (byte)(k[6] << 1),
    ];
}
