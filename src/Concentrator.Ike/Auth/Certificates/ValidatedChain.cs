using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Crypto.Signature;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// A peer's chain that <see cref="ChainValidator"/> found good (path, signatures, constraints, key usage, EKU, length),
/// kept by the <see cref="ValidatedChainCache"/> so that the peer's next IKE_AUTH skips the DER parse and the chain
/// engine. What depends on the moment is not part of it and is checked on every use: the window in which every
/// certificate of the path is valid (<see cref="IsValidAt"/>), revocation (<see cref="ChainValidator.Revocation"/>), the
/// identity binding and the AUTH signature, with the end entity's key parsed once (<see cref="RentKey"/>).
/// </summary>
public sealed class ValidatedChain
{
    private VerifyingKey? _key;

    private ValidatedChain(IReadOnlyList<X509Certificate2> path, VerifyingKey? key)
    {
        Path = path;
        _key = key;
        // ChainValidator.Check refuses before NotBefore and after NotAfter of any certificate of the path.
        NotBefore = path.Max(c => new DateTimeOffset(c.NotBefore.ToUniversalTime()));
        NotAfter = path.Min(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()));
    }

    /// <summary>The path the chain engine built: end entity first, the connection's trust anchor last. Never disposed by
    /// the cache (an IKE SA on another thread may be reading an evicted entry): the finalizers release them.</summary>
    public IReadOnlyList<X509Certificate2> Path { get; }

    public X509Certificate2 EndEntity => Path[0];

    /// <summary>The latest notBefore of the path's certificates.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>The earliest notAfter of the path's certificates.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>Whether every certificate of the path is within its validity period at <paramref name="now"/>; when not,
    /// the chain is validated again in full (which says which certificate expired).</summary>
    public bool IsValidAt(DateTimeOffset now) => now >= NotBefore && now <= NotAfter;

    /// <summary>The end entity's key for one signature check, back through <see cref="Return"/>: the one parsed when the
    /// chain was validated, or a new one while another IKE SA has it (the BCL's key objects are not documented as safe to
    /// share between threads). Null when the key is none we verify with.</summary>
    internal VerifyingKey? RentKey() => Interlocked.Exchange(ref _key, null) ?? VerifyingKey.From(EndEntity);

    internal void Return(VerifyingKey key)
    {
        if (Interlocked.CompareExchange(ref _key, key, null) is not null)
        {
            key.Dispose();
        }
    }

    /// <summary>The chain of <paramref name="path"/> (the chain engine's elements, which become this chain's), with
    /// copies of the certificates that are the caller's (<paramref name="endEntity"/>, <paramref name="intermediates"/>,
    /// disposed after the check) and the policy's own anchor object in place of the engine's copy of it.</summary>
    internal static ValidatedChain Own(List<X509Certificate2> path, X509Certificate2 endEntity, IReadOnlyList<X509Certificate2> intermediates, TrustPolicy policy)
    {
        var owned = new List<X509Certificate2>(path.Count);
        foreach (X509Certificate2 element in path)
        {
            if (ReferenceEquals(element, endEntity) || intermediates.Any(c => ReferenceEquals(c, element)))
            {
                owned.Add(X509CertificateLoader.LoadCertificate(element.RawDataMemory.Span));
            }
            else if (policy.Anchors.FirstOrDefault(a => a.RawDataMemory.Span.SequenceEqual(element.RawDataMemory.Span)) is { } anchor)
            {
                if (!ReferenceEquals(anchor, element))
                {
                    element.Dispose();
                }

                owned.Add(anchor);
            }
            else
            {
                owned.Add(element);
            }
        }

        return new ValidatedChain(owned, VerifyingKey.From(owned[0]));
    }

    /// <summary>Releases what the chain owns, for a chain that was never shared (its peer's signature did not verify).</summary>
    internal void Discard(TrustPolicy policy)
    {
        Interlocked.Exchange(ref _key, null)?.Dispose();
        foreach (X509Certificate2 certificate in Path)
        {
            if (!policy.Anchors.Any(a => ReferenceEquals(a, certificate)))
            {
                certificate.Dispose();
            }
        }
    }
}
