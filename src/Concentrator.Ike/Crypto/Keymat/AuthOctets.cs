using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>The AUTH payload data of RFC 7296 §2.15.</summary>
public static class AuthOctets
{
    /// <summary>RFC 7296 §2.15: the 17 ASCII octets "Key Pad for IKEv2", without a terminator.</summary>
    public static ReadOnlySpan<byte> KeyPad => "Key Pad for IKEv2"u8;

    /// <summary>
    /// <c>InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI</c> (or the responder's mirror image),
    /// with <c>MACedIDForI = prf(SK_pi, RestOfInitIDPayload)</c>. <paramref name="idPayloadBody"/> is the ID
    /// payload after its generic header (ID Type | RESERVED | Identification Data); <paramref name="peerNonce"/>
    /// is the other side's Nonce Data; <paramref name="realMessage"/> is the whole first message sent by this
    /// side, from the IKE header on, as it went on the wire.
    /// </summary>
    public static byte[] SignedOctets(IPrf prf, ReadOnlySpan<byte> skP, ReadOnlySpan<byte> realMessage,
        ReadOnlySpan<byte> peerNonce, ReadOnlySpan<byte> idPayloadBody)
    {
        var result = new byte[realMessage.Length + peerNonce.Length + prf.OutputLength];
        realMessage.CopyTo(result);
        peerNonce.CopyTo(result.AsSpan(realMessage.Length));
        prf.Compute(skP, idPayloadBody, result.AsSpan(realMessage.Length + peerNonce.Length));
        return result;
    }

    /// <summary>Shared key (PSK or EAP MSK) AUTH data: <c>prf( prf(Shared Secret, "Key Pad for IKEv2"),
    /// &lt;SignedOctets&gt;)</c> (RFC 7296 §2.15 and §2.16).</summary>
    public static byte[] SharedKeyAuth(IPrf prf, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> signedOctets)
    {
        Span<byte> padded = stackalloc byte[prf.OutputLength];
        try
        {
            prf.Compute(sharedSecret, KeyPad, padded);
            return prf.Compute(padded, signedOctets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>Checks a received shared-key AUTH value in constant time.</summary>
    public static bool VerifySharedKeyAuth(IPrf prf, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> signedOctets,
        ReadOnlySpan<byte> receivedAuth)
    {
        byte[] expected = SharedKeyAuth(prf, sharedSecret, signedOctets);
        return CryptographicOperations.FixedTimeEquals(expected, receivedAuth);
    }
}
