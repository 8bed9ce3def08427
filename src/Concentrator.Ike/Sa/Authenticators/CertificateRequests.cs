using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>CERTREQ payloads (RFC 7296 §3.7) we send and read: the SHA-1 hashes of CA public keys.</summary>
internal static class CertificateRequests
{
    /// <summary>The responder's CERTREQ in the IKE_SA_INIT response (RFC 7296 §1.2: <c>HDR, SAr1, KEr, Nr,
    /// [CERTREQ]</c>): the CAs of every connection the peer may end up in, since IKE_AUTH chooses among them; none
    /// when no connection verifies certificates. strongSwan clients send their certificate only when asked this way.</summary>
    public static IEnumerable<Payload> ForResponder(IkeSa sa)
    {
        IEnumerable<IkeSaConfig> configs = sa.Services.Connections.Count > 0 ? sa.Services.Connections.Select(c => c.Config) : [sa.Config];
        var hashes = new List<byte[]>();
        foreach (PubkeyAuthenticator pubkey in configs.SelectMany(c => c.RemoteAuthenticators).OfType<PubkeyAuthenticator>().Distinct())
        {
            foreach (byte[] hash in pubkey.Trust?.AnchorKeyHashes ?? [])
            {
                if (!hashes.Any(h => h.AsSpan().SequenceEqual(hash)))
                {
                    hashes.Add(hash);
                }
            }
        }

        if (hashes.Count > 0)
        {
            yield return new CertReqPayload(CertificateEncoding.X509Signature, hashes.SelectMany(h => h).ToArray());
        }
    }

    /// <summary>The CA hashes of every X.509 CERTREQ in <paramref name="message"/> (partial trailing hashes ignored).</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Read(IkeMessage message)
    {
        var result = new List<ReadOnlyMemory<byte>>();
        foreach (CertReqPayload request in message.GetAll<CertReqPayload>().Where(r => r.Encoding == CertificateEncoding.X509Signature))
        {
            for (int i = 0; i < request.CaHashCount && result.Count < 64; i++)
            {
                result.Add(request.CaHash(i).ToArray());
            }
        }

        return result;
    }
}
