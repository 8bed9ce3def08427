using Concentrator.Ike;
using Concentrator.Ike.Crypto;

namespace Concentrator.Fuzz.Corpus;

/// <summary>One key pair per group for every responder of a profile (RFC 7296 §2.12 allows reusing it): with the seeded
/// random this makes a replayed handshake derive the captured keys, and it keeps key generation off the fuzz loop.</summary>
internal sealed class ReusedKeyExchange
{
    private readonly Dictionary<KeyExchangeId, Shared> _pairs = [];

    public IKeyExchange Get(KeyExchangeId id)
    {
        if (!_pairs.TryGetValue(id, out Shared? pair))
        {
            pair = new Shared(TransformRegistry.KeyExchange(id).Create());
            _pairs[id] = pair;
        }

        return pair;
    }

    /// <summary>The SA disposes its key exchange after use; the shared pair must survive that. The last agreement is
    /// remembered: rebuilding a target replays the same peer value, and only a mutated one needs the curve again.</summary>
    private sealed class Shared(IKeyExchange inner) : IKeyExchange
    {
        private byte[] _lastPeer = [];
        private byte[] _lastSecret = [];

        public KeyExchangeId Id => inner.Id;

        public ReadOnlySpan<byte> PublicKey => inner.PublicKey;

        public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
        {
            if (!peerPublicKey.SequenceEqual(_lastPeer))
            {
                byte[] secret = inner.DeriveSharedSecret(peerPublicKey);
                (_lastPeer, _lastSecret) = (peerPublicKey.ToArray(), (byte[])secret.Clone());
                return secret;
            }

            return (byte[])_lastSecret.Clone();
        }

        public void Dispose()
        {
        }
    }
}
