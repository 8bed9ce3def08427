using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>
/// strongSwan-style proposal strings ("aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256", "aes256gcm16")
/// turned into proposals. Tokens are separated by '-'; the order of tokens of one type is the order of preference.
/// For IKE an integrity token without a PRF token also adds the PRF of the same hash (as strongSwan does); with
/// an AEAD cipher it names only that PRF. ESP proposals without "esn"/"noesn" get "noesn".
/// </summary>
public static class ProposalStrings
{
    /// <summary>Parses one proposal per string, numbered 1, 2, … in order (RFC 7296 §3.3.1).</summary>
    public static IReadOnlyList<Proposal> Parse(ProtocolId protocol, params string[] proposals)
    {
        var result = new List<Proposal>(proposals.Length);
        for (int i = 0; i < proposals.Length; i++)
        {
            Proposal proposal = ParseOne(protocol, proposals[i]);
            proposal.Number = (byte)(i + 1);
            result.Add(proposal);
        }

        return result;
    }

    /// <summary>Parses one proposal string; throws <see cref="FormatException"/> naming the bad token.</summary>
    public static Proposal ParseOne(ProtocolId protocol, string text)
    {
        if (protocol is not (ProtocolId.Ike or ProtocolId.Esp))
        {
            throw new ArgumentException($"proposals for {protocol} are not supported", nameof(protocol));
        }

        var encryption = new List<Transform>();
        var prf = new List<Transform>();
        var integrity = new List<Transform>();
        var keyExchange = new List<Transform>();
        var esn = new List<Transform>();
        var impliedPrf = new List<Transform>();
        foreach (string raw in text.Split('-', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string token = raw.ToLowerInvariant();
            if (TryEncryption(token, out Transform t))
            {
                encryption.Add(t);
            }
            else if (token.StartsWith("prf", StringComparison.Ordinal) && TryHash(token[3..], out PrfId p, out _))
            {
                prf.Add(new Transform(TransformType.Prf, (ushort)p));
            }
            else if (TryHash(token, out PrfId samePrf, out IntegrityId integ))
            {
                integrity.Add(new Transform(TransformType.Integrity, (ushort)integ));
                if (protocol == ProtocolId.Ike)
                {
                    // Added as PRFs only when no prf token is given.
                    impliedPrf.Add(new Transform(TransformType.Prf, (ushort)samePrf));
                }
            }
            else if (TryGroup(token, out KeyExchangeId group))
            {
                keyExchange.Add(new Transform(TransformType.KeyExchange, (ushort)group));
            }
            else if (protocol == ProtocolId.Esp && token is "esn" or "noesn")
            {
                esn.Add(new Transform(TransformType.ExtendedSequenceNumbers, token == "esn" ? (ushort)1 : (ushort)0));
            }
            else
            {
                throw new FormatException($"unknown algorithm '{raw}' in proposal '{text}'");
            }
        }

        if (encryption.Count == 0)
        {
            throw new FormatException($"proposal '{text}' has no encryption algorithm");
        }

        bool aead = encryption.All(IsAead);
        if (!aead && encryption.Any(IsAead))
        {
            throw new FormatException($"proposal '{text}' mixes AEAD and non-AEAD encryption; use two proposals");
        }

        if (!aead && integrity.Count == 0)
        {
            throw new FormatException($"proposal '{text}' needs an integrity algorithm for a non-AEAD cipher");
        }

        if (aead && integrity.Count > 0)
        {
            // RFC 5282 §8: with a combined-mode cipher no integrity transform is proposed. For IKE, strongSwan
            // reads "aes256gcm16-sha256-…" as naming the PRF, so the hash stays as an implied PRF only.
            if (protocol == ProtocolId.Esp)
            {
                throw new FormatException($"ESP proposal '{text}' combines an AEAD cipher with an integrity algorithm");
            }

            integrity.Clear();
        }

        var proposal = new Proposal { Protocol = protocol };
        proposal.Transforms.AddRange(encryption);
        if (protocol == ProtocolId.Ike)
        {
            if (prf.Count == 0)
            {
                prf.AddRange(impliedPrf);
            }

            if (prf.Count == 0)
            {
                throw new FormatException($"IKE proposal '{text}' needs a PRF (e.g. prfsha256)");
            }

            if (keyExchange.Count == 0)
            {
                throw new FormatException($"IKE proposal '{text}' needs a key exchange method (e.g. x25519)");
            }

            proposal.Transforms.AddRange(prf);
            proposal.Transforms.AddRange(integrity);
            proposal.Transforms.AddRange(keyExchange);
        }
        else
        {
            if (prf.Count > 0)
            {
                throw new FormatException($"ESP proposal '{text}' cannot carry a PRF");
            }

            proposal.Transforms.AddRange(integrity);
            proposal.Transforms.AddRange(keyExchange);
            proposal.Transforms.AddRange(esn.Count > 0 ? esn : [new Transform(TransformType.ExtendedSequenceNumbers, 0)]);
        }

        return proposal;
    }

    private static bool IsAead(Transform t) => (EncryptionId)t.Id is EncryptionId.AesGcm8 or EncryptionId.AesGcm12
        or EncryptionId.AesGcm16 or EncryptionId.ChaCha20Poly1305;

    private static bool TryEncryption(string token, out Transform transform)
    {
        transform = default;
        if (token == "chacha20poly1305")
        {
            // RFC 7634 §2: the Key Length attribute is not sent for ChaCha20-Poly1305.
            transform = new Transform(TransformType.Encryption, (ushort)EncryptionId.ChaCha20Poly1305);
            return true;
        }

        if (!token.StartsWith("aes", StringComparison.Ordinal) || token.Length < 6
            || !ushort.TryParse(token.AsSpan(3, 3), out ushort bits) || bits is not (128 or 192 or 256))
        {
            return false;
        }

        EncryptionId? id = token[6..] switch
        {
            "" => EncryptionId.AesCbc,
            "gcm16" or "gcm128" or "gcm" => EncryptionId.AesGcm16,
            "gcm12" or "gcm96" => EncryptionId.AesGcm12,
            "gcm8" or "gcm64" => EncryptionId.AesGcm8,
            _ => null,
        };
        if (id is null)
        {
            return false;
        }

        transform = new Transform(TransformType.Encryption, (ushort)id.Value, bits);
        return true;
    }

    private static bool TryHash(string token, out PrfId prf, out IntegrityId integrity)
    {
        (prf, integrity) = token switch
        {
            "sha1" => (PrfId.HmacSha1, IntegrityId.HmacSha1_96),
            "sha256" or "sha2_256" => (PrfId.HmacSha2_256, IntegrityId.HmacSha2_256_128),
            "sha384" or "sha2_384" => (PrfId.HmacSha2_384, IntegrityId.HmacSha2_384_192),
            "sha512" or "sha2_512" => (PrfId.HmacSha2_512, IntegrityId.HmacSha2_512_256),
            _ => ((PrfId)0, IntegrityId.None),
        };
        return prf != 0;
    }

    /// <summary>Whether <paramref name="token"/> names a key exchange group ("x25519", "ecp256", "modp2048", …).</summary>
    public static bool IsKeyExchange(string token) => TryGroup(token.ToLowerInvariant(), out _);

    private static bool TryGroup(string token, out KeyExchangeId group)
    {
        group = token switch
        {
            "modp1024" => KeyExchangeId.Modp1024,
            "modp2048" => KeyExchangeId.Modp2048,
            "modp3072" => KeyExchangeId.Modp3072,
            "modp4096" => KeyExchangeId.Modp4096,
            "ecp256" => KeyExchangeId.Ecp256,
            "ecp384" => KeyExchangeId.Ecp384,
            "ecp521" => KeyExchangeId.Ecp521,
            "x25519" or "curve25519" => KeyExchangeId.Curve25519,
            "x448" or "curve448" => KeyExchangeId.Curve448,
            _ => KeyExchangeId.None,
        };
        return group != KeyExchangeId.None;
    }
}
