using System.Text.RegularExpressions;
using Concentrator.Ike;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Import.Libreswan;

/// <summary>
/// libreswan's <c>ike=</c> and <c>esp=</c> (<c>phase2alg=</c>) lists turned into this project's proposal strings
/// (strongSwan syntax). libreswan separates proposals with ',', the parts of one with '-' (and the key exchange
/// also with ';'), alternatives of one part with '+': <c>aes256-sha2_256;modp2048</c>, <c>aes_gcm256-sha2;dh19</c>,
/// <c>aes+aes_gcm-sha2+sha1-dh19+dh14</c>. A cipher without a key size stands for 256 and 128 bits, as libreswan
/// proposes it. A proposal naming an algorithm this project does not implement is left out with a warning.
/// </summary>
internal static partial class LibreswanAlgorithms
{
    /// <summary>The translated proposals, in the operator's order; <paramref name="problems"/> names each one left out.</summary>
    public static List<string> Translate(string list, ProtocolId protocol, List<string> problems)
    {
        var result = new List<string>();
        foreach (var proposal in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tokens = new List<string>();
            string? unknown = null;
            foreach (var part in proposal.Replace(';', '-').Split('-', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                foreach (var alternative in part.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var mapped = Token(alternative.ToLowerInvariant(), protocol);
                    if (mapped is null)
                    {
                        unknown ??= alternative;
                        continue;
                    }

                    tokens.AddRange(mapped.Where(t => !tokens.Contains(t)));
                }
            }

            if (unknown is not null)
            {
                problems.Add($"'{proposal}' left out: '{unknown}' is not an algorithm Concentrator implements");
                continue;
            }

            string text = string.Join('-', tokens);
            try
            {
                ProposalStrings.ParseOne(protocol, text);
                result.Add(text);
            }
            catch (FormatException e)
            {
                problems.Add($"'{proposal}' left out: {e.Message}");
            }
        }

        return result;
    }

    /// <summary>The tokens one libreswan algorithm name stands for; an empty list for names that add nothing
    /// ("null" integrity after an AEAD cipher, "none" key exchange); null when it is not implemented here.</summary>
    private static string[]? Token(string name, ProtocolId protocol)
    {
        if (AesCbc().Match(name) is { Success: true } cbc)
        {
            return Sizes(cbc.Groups["bits"].Value).Select(b => $"aes{b}").ToArray();
        }

        if (AesGcm().Match(name) is { Success: true } gcm)
        {
            string icv = gcm.Groups["icv"].Value switch
            {
                "a" or "8" => "gcm8",
                "b" or "12" => "gcm12",
                _ => "gcm16",
            };
            return Sizes(gcm.Groups["bits"].Value).Select(b => $"aes{b}{icv}").ToArray();
        }

        return name switch
        {
            "chacha20_poly1305" or "chacha20poly1305" => ["chacha20poly1305"],
            "sha1" or "sha" => ["sha1"],
            "sha2" or "sha2_256" or "sha256" => ["sha256"],
            "sha2_384" or "sha384" => ["sha384"],
            "sha2_512" or "sha512" => ["sha512"],
            // "null" integrity is what libreswan writes after an AEAD cipher in esp=: no integrity transform.
            "null" when protocol == ProtocolId.Esp => [],
            "none" or "dh0" when protocol == ProtocolId.Esp => [],
            "modp1024" or "dh2" => ["modp1024"],
            "modp2048" or "dh14" => ["modp2048"],
            "modp3072" or "dh15" => ["modp3072"],
            "modp4096" or "dh16" => ["modp4096"],
            "dh19" or "ecp_256" or "ecp256" => ["ecp256"],
            "dh20" or "ecp_384" or "ecp384" => ["ecp384"],
            "dh21" or "ecp_521" or "ecp521" => ["ecp521"],
            "dh31" or "curve25519" or "x25519" => ["x25519"],
            _ => null,
        };
    }

    private static IEnumerable<string> Sizes(string bits) => bits.Length > 0 ? [bits] : ["256", "128"];

    [GeneratedRegex("^aes(_cbc)?_?(?<bits>128|192|256)?$")]
    private static partial Regex AesCbc();

    [GeneratedRegex("^aes_gcm(_?(?<icv>a|b|c|8|12|16))?(_?(?<bits>128|192|256))?$")]
    private static partial Regex AesGcm();
}
