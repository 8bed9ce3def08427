using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

public sealed class EncryptedMessageTests
{
    [Fact]
    public void EncodeEncrypted_ThenParseAndDecrypt_YieldsInnerPayloads()
    {
        using var cipher = new TestSkCipher();
        byte[] datagram = SampleMessages.Encrypted(ExchangeType.IkeAuth, false, 1, SampleMessages.IkeAuthRequestContent()).ToEncryptedArray(cipher);

        IkeMessage parsed = IkeMessage.Parse(datagram);
        EncryptedPayload sk = Assert.IsType<EncryptedPayload>(Assert.Single(parsed.Payloads));
        Assert.Equal(PayloadType.IdInitiator, sk.FirstInnerPayload);
        Assert.Null(sk.Inner);
        Assert.True(parsed.TryDecrypt(cipher));

        Assert.Equal(SampleMessages.IkeAuthRequestContent().Select(p => p.Type), parsed.Content.Select(p => p.Type));
        Assert.Equal("carol@strongswan.org", parsed.Get<IdPayload>()!.ToString());
        MessageRules.Validate(parsed);

        // The parsed message re-serialises to the same octets (sealed body kept as received).
        Assert.Equal(datagram, parsed.ToArray());
    }

    [Fact]
    public void EncodeEncrypted_AssociatedData_IsHeaderAndSkHeaderWithFinalLengths()
    {
        var cipher = new RecordingCipher();
        byte[] datagram = SampleMessages.Encrypted(ExchangeType.Informational, false, 3, SampleMessages.InformationalDeleteContent()).ToEncryptedArray(cipher);
        Assert.Equal(datagram.AsSpan(0, 32).ToArray(), cipher.SealAssociatedData);
        Assert.Equal(datagram.Length, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(24)));
        Assert.Equal(datagram.Length - 28, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(30)));

        IkeMessage parsed = IkeMessage.Parse(datagram);
        Assert.True(parsed.TryDecrypt(cipher));
        Assert.Equal(cipher.SealAssociatedData, cipher.OpenAssociatedData);
        Assert.Equal(2, parsed.GetAll<DeletePayload>().Count());
    }

    [Fact]
    public void TryDecrypt_TamperedCiphertext_ReturnsFalse()
    {
        using var cipher = new TestSkCipher();
        byte[] datagram = SampleMessages.Encrypted(ExchangeType.IkeAuth, true, 1, SampleMessages.IkeAuthResponseContent()).ToEncryptedArray(cipher);
        datagram[^20] ^= 1;
        Assert.False(IkeMessage.Parse(datagram).TryDecrypt(cipher));
    }

    [Fact]
    public void TryDecrypt_TamperedHeader_ReturnsFalse()
    {
        using var cipher = new TestSkCipher();
        byte[] datagram = SampleMessages.Encrypted(ExchangeType.IkeAuth, true, 1, SampleMessages.IkeAuthResponseContent()).ToEncryptedArray(cipher);
        datagram[23] ^= 1; // Message ID is authenticated as associated data
        Assert.False(IkeMessage.Parse(datagram).TryDecrypt(cipher));
    }

    [Fact]
    public void TryDecrypt_MalformedInnerChain_InvalidSyntax()
    {
        using var cipher = new TestSkCipher();
        var message = SampleMessages.Encrypted(ExchangeType.Informational, false, 3, [new UnknownPayload((PayloadType)0xc8, new byte[] { 1 }) { Critical = true }]);
        IkeMessage parsed = IkeMessage.Parse(message.ToEncryptedArray(cipher));
        var error = Assert.Throws<IkeProtocolException>(() => parsed.TryDecrypt(cipher));
        Assert.Equal(NotifyType.UnsupportedCriticalPayload, error.Notify);
    }

    [Fact]
    public void TryDecrypt_NestedEncryptedPayload_InvalidSyntax()
    {
        using var cipher = new TestSkCipher();
        byte[] inner = SampleMessages.Encrypted(ExchangeType.Informational, false, 3, []).ToEncryptedArray(cipher);
        IkeMessage nested = IkeMessage.Parse(inner);
        var outer = SampleMessages.Encrypted(ExchangeType.Informational, false, 3, [nested.Payloads[0]]);
        IkeMessage parsed = IkeMessage.Parse(outer.ToEncryptedArray(cipher));
        Assert.Equal(NotifyType.InvalidSyntax, Assert.Throws<IkeProtocolException>(() => parsed.TryDecrypt(cipher)).Notify);
    }

    [Fact]
    public void TryDecrypt_NoEncryptedPayload_InvalidSyntax()
    {
        IkeMessage parsed = IkeMessage.Parse(SampleMessages.IkeSaInitRequest().ToArray());
        using var cipher = new TestSkCipher();
        Assert.Equal(NotifyType.InvalidSyntax, Assert.Throws<IkeProtocolException>(() => parsed.TryDecrypt(cipher)).Notify);
    }

    [Fact]
    public void EncodeFragments_ThenReassemble_YieldsOriginalContent()
    {
        using var cipher = new TestSkCipher();
        List<Payload> content = SampleMessages.EapRoundContent();
        List<byte[]> fragments = SampleMessages.Encrypted(ExchangeType.IkeAuth, true, 4, content).EncodeFragments(cipher, 128);
        Assert.True(fragments.Count > 3);
        Assert.All(fragments, f => Assert.True(f.Length <= 128));

        var reassembler = new FragmentReassembler();
        IkeMessage? whole = null;

        // Out of order and with a duplicate: the last missing fragment completes the message.
        var order = Enumerable.Range(0, fragments.Count).Reverse().Prepend(fragments.Count - 1).ToList();
        for (int i = 0; i < order.Count; i++)
        {
            IkeMessage fragment = IkeMessage.Parse(fragments[order[i]]);
            var skf = Assert.IsType<EncryptedFragmentPayload>(Assert.Single(fragment.Payloads));
            Assert.Equal(order[i] + 1, skf.FragmentNumber);
            Assert.Equal(order[i] == 0 ? PayloadType.Eap : PayloadType.None, skf.FirstInnerPayload);
            Assert.Equal(fragments[order[i]], fragment.ToArray());
            bool done = reassembler.Add(fragment, cipher, out whole) == FragmentOutcome.Complete;
            Assert.Equal(i == order.Count - 1, done);
        }

        Assert.NotNull(whole);
        Assert.Equal(4u, whole.MessageId);
        Assert.Equal(content.Select(p => p.Type), whole.Content.Select(p => p.Type));
        Assert.Equal(300, whole.Get<CertPayload>()!.Data.Length);
        MessageRules.Validate(whole);
    }

    [Fact]
    public void FragmentReassembler_LargerTotalArrives_StartsOver()
    {
        using var cipher = new TestSkCipher();
        var message = SampleMessages.Encrypted(ExchangeType.IkeAuth, true, 4, SampleMessages.EapRoundContent());
        List<byte[]> coarse = message.EncodeFragments(cipher, 300);
        List<byte[]> fine = message.EncodeFragments(cipher, 120);
        var reassembler = new FragmentReassembler();
        Assert.False(reassembler.Add(IkeMessage.Parse(coarse[0]), cipher, out _) == FragmentOutcome.Complete);

        IkeMessage? whole = null;
        bool done = false;
        foreach (byte[] fragment in fine)
        {
            done = reassembler.Add(IkeMessage.Parse(fragment), cipher, out whole) == FragmentOutcome.Complete;
        }

        Assert.True(done);
        // A stale smaller-total fragment after the restart is dropped.
        Assert.False(reassembler.Add(IkeMessage.Parse(coarse[1]), cipher, out _) == FragmentOutcome.Complete);
        Assert.Equal(4, whole!.Content.Count);
    }

    private sealed class RecordingCipher : Concentrator.Ike.Crypto.ISkCipher
    {
        public byte[] SealAssociatedData { get; private set; } = [];

        public byte[] OpenAssociatedData { get; private set; } = [];

        public int SealedLength(int plaintextLength) => plaintextLength + 3;

        public int Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
        {
            SealAssociatedData = associatedData.ToArray();
            destination[0] = 0xee;
            plaintext.CopyTo(destination.Slice(1));
            destination[^2] = 0;
            destination[^1] = 0xff;
            return plaintext.Length + 3;
        }

        public int Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBody, Span<byte> plaintext)
        {
            OpenAssociatedData = associatedData.ToArray();
            sealedBody.Slice(1, sealedBody.Length - 3).CopyTo(plaintext);
            return sealedBody.Length - 3;
        }

        public void Dispose()
        {
        }
    }
}
