using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>
/// The MS-CHAPv2 computations of RFC 2759 §8 and the key derivation of RFC 3079 §3.4, as strongSwan's eap_mschapv2
/// builds the MSK. MD4 has no BCL implementation, so it comes from BouncyCastle; so does DES: the BCL's DES works on
/// this OpenSSL 3 but refuses weak keys, and the third DES key of ChallengeResponse (two hash octets and five zeros)
/// is the weak key 01…01 for one password in 65536.
/// </summary>
public static class MsChapV2
{
    public const int ChallengeLength = 16;
    public const int NtResponseLength = 24;

    // RFC 2759 §8.7.
    private static ReadOnlySpan<byte> Magic1 => "Magic server to client signing constant"u8;

    private static ReadOnlySpan<byte> Magic2 => "Pad to make it do more than one iteration"u8;

    // RFC 3079 §3.4.
    private static ReadOnlySpan<byte> MasterKeyMagic => "This is the MPPE Master Key"u8;

    private static ReadOnlySpan<byte> ClientSendMagic => "On the client side, this is the send key; on the server side, it is the receive key."u8;

    private static ReadOnlySpan<byte> ClientReceiveMagic => "On the client side, this is the receive key; on the server side, it is the send key."u8;

    /// <summary>RFC 2759 §8.3 NtPasswordHash: MD4 of the password in UTF-16LE (the configured secret is UTF-8).</summary>
    public static byte[] NtPasswordHash(ReadOnlySpan<byte> passwordUtf8)
    {
        byte[] unicode = System.Text.Encoding.Unicode.GetBytes(System.Text.Encoding.UTF8.GetString(passwordUtf8));
        try
        {
            return Md4(unicode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(unicode);
        }
    }

    /// <summary>RFC 2759 §8.4 HashNtPasswordHash.</summary>
    public static byte[] HashNtPasswordHash(ReadOnlySpan<byte> passwordHash) => Md4(passwordHash);

    /// <summary>RFC 2759 §8.2 ChallengeHash: the first 8 octets of SHA1(PeerChallenge | AuthenticatorChallenge |
    /// UserName), the user name without a "domain\" prefix (as Windows and strongSwan hash it).</summary>
    public static byte[] ChallengeHash(ReadOnlySpan<byte> peerChallenge, ReadOnlySpan<byte> authenticatorChallenge, ReadOnlySpan<byte> userName)
    {
        int backslash = userName.LastIndexOf((byte)'\\');
        ReadOnlySpan<byte> user = backslash >= 0 ? userName[(backslash + 1)..] : userName;
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(peerChallenge);
        sha1.AppendData(authenticatorChallenge);
        sha1.AppendData(user);
        return sha1.GetHashAndReset()[..8];
    }

    /// <summary>RFC 2759 §8.1 GenerateNTResponse.</summary>
    public static byte[] NtResponse(ReadOnlySpan<byte> challengeHash, ReadOnlySpan<byte> passwordHash)
    {
        // RFC 2759 §8.5 ChallengeResponse: the hash padded to 21 octets is three 7-octet DES keys.
        Span<byte> padded = stackalloc byte[21];
        padded.Clear();
        passwordHash.CopyTo(padded);
        var response = new byte[NtResponseLength];
        var des = new DesEngine();
        var key = new byte[8];
        for (int i = 0; i < 3; i++)
        {
            ExpandDesKey(padded.Slice(i * 7, 7), key);
            des.Init(true, new KeyParameter(key));
            des.ProcessBlock(challengeHash, response.AsSpan(i * 8, 8));
        }

        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(padded);
        return response;
    }

    /// <summary>RFC 2759 §8.7 GenerateAuthenticatorResponse: the 20 octets the "S=" string carries in hex.</summary>
    public static byte[] AuthenticatorResponse(ReadOnlySpan<byte> passwordHashHash, ReadOnlySpan<byte> ntResponse, ReadOnlySpan<byte> challengeHash)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(passwordHashHash);
        sha1.AppendData(ntResponse);
        sha1.AppendData(Magic1);
        byte[] digest = sha1.GetHashAndReset();
        sha1.AppendData(digest);
        sha1.AppendData(challengeHash);
        sha1.AppendData(Magic2);
        return sha1.GetHashAndReset();
    }

    /// <summary>RFC 3079 §3.4 GetMasterKey (16 octets).</summary>
    public static byte[] MasterKey(ReadOnlySpan<byte> passwordHashHash, ReadOnlySpan<byte> ntResponse)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(passwordHashHash);
        sha1.AppendData(ntResponse);
        sha1.AppendData(MasterKeyMagic);
        return sha1.GetHashAndReset()[..16];
    }

    /// <summary>
    /// The 64-octet MSK of EAP-MSCHAPv2 as strongSwan (and Windows/FreeRADIUS) build it: MasterReceiveKey |
    /// MasterSendKey (RFC 3079 §3.4 GetAsymmetricStartKey, 16 octets each, seen from the server, which equals the
    /// client's send | receive) followed by 32 zero octets. Both sides compute the same octets.
    /// </summary>
    public static byte[] Msk(ReadOnlySpan<byte> passwordHashHash, ReadOnlySpan<byte> ntResponse)
    {
        byte[] master = MasterKey(passwordHashHash, ntResponse);
        var msk = new byte[64];
        StartKey(master, ClientSendMagic, msk.AsSpan(0, 16));
        StartKey(master, ClientReceiveMagic, msk.AsSpan(16, 16));
        CryptographicOperations.ZeroMemory(master);
        return msk;
    }

    private static void StartKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> magic, Span<byte> key)
    {
        // RFC 3079 §3.4: SHA1(MasterKey | SHSpad1 (40 × 0x00) | s | SHSpad2 (40 × 0xf2)), first 16 octets.
        Span<byte> pad = stackalloc byte[40];
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(masterKey);
        pad.Clear();
        sha1.AppendData(pad);
        sha1.AppendData(magic);
        pad.Fill(0xf2);
        sha1.AppendData(pad);
        sha1.GetHashAndReset()[..16].CopyTo(key);
    }

    /// <summary>RFC 2759 §8.6 DesEncrypt's key: 56 bits spread over 8 octets, the low bit of each (parity) unused.</summary>
    private static void ExpandDesKey(ReadOnlySpan<byte> key7, Span<byte> key8)
    {
        for (int i = 0; i < 8; i++)
        {
            int high = i == 0 ? 0 : key7[i - 1] << (8 - i);
            int low = i == 7 ? 0 : key7[i] >> i;
            key8[i] = (byte)((high | low) & 0xfe);
        }
    }

    private static byte[] Md4(ReadOnlySpan<byte> data)
    {
        var md4 = new MD4Digest();
        md4.BlockUpdate(data);
        var hash = new byte[16];
        md4.DoFinal(hash);
        return hash;
    }
}
