using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>The transforms strongSwan's responder chose (read from its IKE_SA_INIT response with our codec) and
/// the SK payload ciphers built from the logged keys.</summary>
internal sealed record StrongSwanSuite(IPrf Prf, IEncryption Encryption, IIntegrity? Integrity, KeyExchangeId KeyExchange)
{
    public static StrongSwanSuite Of(StrongSwanScenario scenario)
    {
        IkeMessage response = IkeMessage.Parse(scenario.InitResponse.Bytes);
        Proposal chosen = Assert.Single(response.Get<SaPayload>()!.Proposals);
        Transform encryption = chosen.Transforms.Single(t => t.Type == TransformType.Encryption);
        Transform prf = chosen.Transforms.Single(t => t.Type == TransformType.Prf);
        Transform keyExchange = chosen.Transforms.Single(t => t.Type == TransformType.KeyExchange);
        Transform? integrity = chosen.Transforms.Where(t => t.Type == TransformType.Integrity && t.Id != 0)
            .Select(t => (Transform?)t).SingleOrDefault();
        return new StrongSwanSuite(
            TransformRegistry.Prf((PrfId)prf.Id),
            TransformRegistry.Encryption((EncryptionId)encryption.Id, encryption.KeyLength),
            integrity is { } i ? TransformRegistry.Integrity((IntegrityId)i.Id) : null,
            (KeyExchangeId)keyExchange.Id);
    }

    /// <summary>The cipher protecting messages sent by the initiator (SK_ei/SK_ai) or by the responder
    /// (SK_er/SK_ar), keyed with what charon logged; <paramref name="random"/> supplies the IV.</summary>
    public ISkCipher Cipher(StrongSwanScenario scenario, bool ofInitiator, IRandomSource? random = null) =>
        Encryption.CreateSkCipher(
            ofInitiator ? scenario.SkEi : scenario.SkEr,
            Integrity,
            ofInitiator ? scenario.SkAi : scenario.SkAr,
            random);

    /// <summary>A parsed message whose SK payload is opened with the sender's logged keys.</summary>
    public IkeMessage Decrypt(StrongSwanScenario scenario, CapturedMessage captured)
    {
        IkeMessage message = IkeMessage.Parse(captured.Bytes);
        using ISkCipher cipher = Cipher(scenario, captured.FromInitiator);
        Assert.True(message.TryDecrypt(cipher), $"{captured.File}: ICV did not verify with the sender's logged keys");
        return message;
    }

    /// <summary>The body of a payload (after its generic header) as our codec writes it.</summary>
    public static byte[] Body(Payload payload)
    {
        var buffer = new byte[CodecLimits.MaxMessageLength];
        var writer = new IkeWriter(buffer);
        payload.WriteBody(ref writer);
        return writer.Written.ToArray();
    }

    /// <summary>
    /// charon's one-line summary of a message ("IDi N(INIT_CONTACT) IDr AUTH CPRQ(ADDR) SA TSi TSr ...") as
    /// payload types, in order.
    /// </summary>
    public static List<PayloadType> SummaryTypes(string summary)
    {
        var types = new List<PayloadType>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= summary.Length; i++)
        {
            char c = i < summary.Length ? summary[i] : ' ';
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ' ' && depth == 0)
            {
                if (i > start)
                {
                    types.Add(TokenType(summary[start..i]));
                }

                start = i + 1;
            }
        }

        return types;
    }

    private static PayloadType TokenType(string token) => token switch
    {
        "SA" => PayloadType.SecurityAssociation,
        "KE" => PayloadType.KeyExchange,
        "No" => PayloadType.Nonce,
        "IDi" => PayloadType.IdInitiator,
        "IDr" => PayloadType.IdResponder,
        "AUTH" => PayloadType.Authentication,
        "TSi" => PayloadType.TrafficSelectorInitiator,
        "TSr" => PayloadType.TrafficSelectorResponder,
        "D" => PayloadType.Delete,
        "V" => PayloadType.VendorId,
        "CERT" => PayloadType.Certificate,
        "CERTREQ" => PayloadType.CertificateRequest,
        _ when token.StartsWith("N(", StringComparison.Ordinal) => PayloadType.Notify,
        _ when token.StartsWith("CP", StringComparison.Ordinal) => PayloadType.Configuration,
        _ when token.StartsWith("EAP", StringComparison.Ordinal) => PayloadType.Eap,
        _ => throw new ArgumentException($"unknown token '{token}' in a strongSwan message summary", nameof(token)),
    };
}

/// <summary>Hands out the given octets, in order, as "random" (here: the IV strongSwan chose), and fails when
/// asked for more.</summary>
internal sealed class ReplayRandom(byte[] octets) : IRandomSource
{
    private int _used;

    public void Fill(Span<byte> destination)
    {
        Assert.True(_used + destination.Length <= octets.Length, "the cipher asked for more random octets than the IV");
        octets.AsSpan(_used, destination.Length).CopyTo(destination);
        _used += destination.Length;
    }
}
