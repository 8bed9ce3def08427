using Akka.Actor;
using Concentrator.Ike;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;

namespace Concentrator.Server.Runtime;

/// <summary>
/// What a node pays once, done during its start (before the sockets are bound) so that no IKE SA of the first burst
/// pays it on a thread-pool worker (issue 13): Akka's scheduler clock and the first use of the IKE SA's crypto.
/// </summary>
internal static class NodeWarmUp
{
    /// <summary>Starts Akka's scheduler and returns once its clock runs. HashedWheelTimerScheduler starts lazily: the
    /// first timer queues the clock loop on the thread pool and blocks its caller in Task.Wait until that loop runs,
    /// and so does every caller before then. Under a first IKE_SA_INIT burst every pool worker (an IkeSaActor
    /// starting its timer) blocked there and the pool starved for seconds. Started here, while the pool is idle.</summary>
    public static async Task StartSchedulerAsync(IScheduler scheduler)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => running.TrySetResult());
        await running.Task.ConfigureAwait(false);
    }

    /// <summary>Runs each key exchange, PRF and cipher the connections' IKE proposals name once: loads OpenSSL (the
    /// BCL's shim and <c>libcrypto</c> for X25519/X448), runs the type initializers and JIT-compiles the crypto of
    /// IKE_SA_INIT and IKE_AUTH (TieredCompilation is off, so each first call compiles fully optimized). Returns the
    /// transforms it ran, for the test.</summary>
    public static IReadOnlyList<Transform> Crypto(IEnumerable<ConnectionSettings> connections)
    {
        var transforms = connections.SelectMany(c => c.IkeProposals)
            .SelectMany(text => ProposalStrings.ParseOne(ProtocolId.Ike, text).Transforms)
            .Distinct()
            .ToList();
        Span<byte> buffer = stackalloc byte[64];
        foreach (var transform in transforms)
        {
            switch (transform.Type)
            {
                case TransformType.KeyExchange when TransformRegistry.TryGetKeyExchange((KeyExchangeId)transform.Id, out var method):
                    using (var ours = method.Create())
                    using (var theirs = method.Create())
                    {
                        _ = ours.DeriveSharedSecret(theirs.PublicKey);
                    }

                    break;
                case TransformType.Prf when TransformRegistry.TryGetPrf((PrfId)transform.Id, out var prf):
                    _ = prf.Compute(new byte[prf.KeyLength], buffer[..16]);
                    break;
                case TransformType.Encryption when TransformRegistry.TryGetEncryption((EncryptionId)transform.Id, transform.KeyLength, out var encryption):
                    var integrity = encryption.IsAead ? null : transforms.Where(t => t.Type == TransformType.Integrity)
                        .Select(t => TransformRegistry.TryGetIntegrity((IntegrityId)t.Id, out var i) ? i : null).FirstOrDefault(i => i is not null);
                    if (!encryption.IsAead && integrity is null)
                    {
                        break;
                    }

                    using (var cipher = encryption.CreateSkCipher(new byte[encryption.KeyLength], integrity, new byte[integrity?.KeyLength ?? 0]))
                    {
                        var sealedBody = new byte[cipher.SealedLength(16)];
                        var length = cipher.Seal(buffer[..8], buffer[..16], sealedBody);
                        _ = cipher.Open(buffer[..8], sealedBody.AsSpan(0, length), buffer[16..]);
                    }

                    break;
            }
        }

        return transforms;
    }
}
