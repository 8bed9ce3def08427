using System.Collections.Concurrent;
using Concentrator.Ike;
using Concentrator.Ike.Crypto;

namespace Concentrator.LoadGen.Engine;

/// <summary>
/// One key pair per group handed to every handshake (--reuse-dh). RFC 7296 §2.12 lets an implementation reuse
/// its Diffie-Hellman exponent across exchanges; a load generator does it to spend its CPU on the responder's
/// side of the measurement, not on its own key generation. Every SA still gets its own shared secret because
/// the responder's value differs. The SAs "dispose" their key exchange when done; that must not zero the shared
/// private value, so <see cref="Dispose"/> of a lease does nothing and the factory disposes the real pairs.
/// </summary>
internal sealed class SharedKeyExchangeFactory : IDisposable
{
    private readonly ConcurrentDictionary<KeyExchangeId, Lease> _pairs = new();

    public IKeyExchange Get(KeyExchangeId id) =>
        _pairs.GetOrAdd(id, static g => new Lease(TransformRegistry.KeyExchange(g).Create()));

    public void Dispose()
    {
        foreach (Lease lease in _pairs.Values)
        {
            lease.Inner.Dispose();
        }
    }

    private sealed class Lease(IKeyExchange inner) : IKeyExchange
    {
        private readonly Lock _lock = new();

        public IKeyExchange Inner { get; } = inner;

        public KeyExchangeId Id => Inner.Id;

        public ReadOnlySpan<byte> PublicKey => Inner.PublicKey;

        public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
        {
            // The BCL-backed groups keep native handles that are not documented as thread-safe.
            lock (_lock)
            {
                return Inner.DeriveSharedSecret(peerPublicKey);
            }
        }

        public void Dispose()
        {
        }
    }
}
