namespace Concentrator.Ike.Crypto;

/// <summary>The receiver's half of RFC 7296 §3.14 padding, shared by the AEAD and the CBC ciphers.</summary>
internal static class SkPadding
{
    /// <summary>Given the decrypted <c>inner payloads ‖ padding ‖ pad length</c>, returns the length of the inner
    /// payloads and makes sure they sit at the start of <paramref name="plaintext"/>.</summary>
    public static int InnerLength(ReadOnlySpan<byte> decrypted, Span<byte> plaintext)
    {
        int padLength = decrypted[^1];
        // The pad length cannot claim more octets than precede it. RFC 7296 §3.14: the padding's value is not
        // checked — a receiver MUST accept any value, and AEAD peers may send up to 255 octets of it.
        if (padLength > decrypted.Length - 1)
            CryptoThrow.InvalidSyntax($"pad length {padLength} exceeds the {decrypted.Length - 1} decrypted octets before it");
        int innerLength = decrypted.Length - 1 - padLength;
        if (!decrypted.Overlaps(plaintext, out int offset) || offset != 0)
        {
            if (plaintext.Length < innerLength)
                CryptoThrow.ArgumentLength(nameof(plaintext), innerLength, plaintext.Length);
            decrypted[..innerLength].CopyTo(plaintext);
        }
        return innerLength;
    }
}
