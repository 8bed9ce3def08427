using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Benchmarks.Ike;

/// <summary>
/// What checking a peer's certificate costs per IKE_AUTH, as a ratio of one ECDSA P-256 signature verification in
/// the same run: parsing the DER the CERT payloads carry, <see cref="ChainValidator.Validate"/> on an ECDSA P-256
/// root → intermediate → end entity chain (the BCL's X509Chain plus our checks), the same with a CRL of the
/// intermediate, the identity binding, and the names-only read that choosing a connection by CA does per candidate;
/// then the whole peer check of an IKE_AUTH (<see cref="PeerChainCheck"/>) without and with the
/// <see cref="ValidatedChainCache"/> (a known client: its chain found by the hash of its DER).
/// </summary>
[MemoryDiagnoser]
public class CertificateChainBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly byte[] _octets = RandomNumberGenerator.GetBytes(600);
    private ECDsa _leafKey = null!;
    private byte[] _signature = null!;
    private byte[] _leafDer = null!, _intermediateDer = null!;
    private X509Certificate2 _leaf = null!, _intermediate = null!;
    private TrustPolicy _policy = null!, _withCrl = null!;
    private IReadOnlyList<CertPayload> _payloads = null!;
    private AuthPayload _auth = null!;
    private ValidatedChainCache _chains = null!;
    private readonly IkeIdentity _clientId = IkeIdentity.Parse("client.example.org");

    [GlobalSetup]
    public void Setup()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Certificate2 root = Ca("CN=Bench Root", rootKey, null, null);
        _intermediate = Ca("CN=Bench Intermediate", intKey, root, rootKey);
        var request = new CertificateRequest("CN=client", _leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("client.example.org");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        _leaf = request.Create(_intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(intKey), Now.AddDays(-1), Now.AddDays(30), [9]);
        _leafDer = _leaf.RawData;
        _intermediateDer = _intermediate.RawData;
        _signature = _leafKey.SignData(_octets, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        _policy = new TrustPolicy([root]);
        byte[] crl = new CertificateRevocationListBuilder().Build(_intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(intKey), BigInteger.One,
            Now.AddDays(7), HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_intermediate, true, false), Now.AddDays(-1));
        _withCrl = _policy with { Crls = [RevocationList.Parse(crl)] };
        _payloads = [new CertPayload(CertificateEncoding.X509Signature, _leafDer), new CertPayload(CertificateEncoding.X509Signature, _intermediateDer)];
        _auth = new AuthPayload(AuthMethod.DigitalSignature, DigitalSignatureAuth.Encode(SignatureScheme.EcdsaSha256, _signature));
        _chains = new ValidatedChainCache(16);
        if (!CheckPeerCached() || !CheckPeerCachedWithCrl() || !CheckPeerUncached() || _chains.Hits != 0 || !CheckPeerCached() || _chains.Hits != 1)
        {
            throw new InvalidOperationException("the peer check does not pass, or the cache does not hit");
        }
    }

    [Benchmark(Baseline = true)]
    public bool VerifyEcdsaP256Signature() => _leafKey.VerifyData(_octets, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public int ParseTwoCertificates()
    {
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(_leafDer);
        using X509Certificate2 intermediate = X509CertificateLoader.LoadCertificate(_intermediateDer);
        return leaf.RawData.Length + intermediate.RawData.Length;
    }

    [Benchmark]
    public int ReadNamesForSelection() =>
        CertificateNames.Read(_leafDer)!.Issuer.Length + CertificateNames.Read(_intermediateDer)!.Issuer.Length;

    [Benchmark]
    public bool ValidateChain() => ChainValidator.Validate(_policy, _leaf, [_intermediate], Now).IsOk;

    [Benchmark]
    public bool ValidateChainWithCrl() => ChainValidator.Validate(_withCrl, _leaf, [_intermediate], Now).IsOk;

    /// <summary>What a responder does with a peer's CERT payloads and AUTH per IKE_AUTH without the cache: parse, validate,
    /// bind the identity, read the key, verify the signature.</summary>
    [Benchmark]
    public bool CheckPeerUncached() =>
        PeerChainCheck.Check(_policy, _payloads, _clientId, _auth, _octets, Now, null, false, null).IsOk;

    /// <summary>The same for a chain the <see cref="ValidatedChainCache"/> holds: hash the DER, look it up, validity and
    /// revocation (CRL files) of the cached path, identity, the signature with the cached key.</summary>
    [Benchmark]
    public bool CheckPeerCached() =>
        PeerChainCheck.Check(_policy, _payloads, _clientId, _auth, _octets, Now, null, false, _chains).IsOk;

    /// <summary>Cached, with the intermediate's CRL file checked on the hit.</summary>
    [Benchmark]
    public bool CheckPeerCachedWithCrl() =>
        PeerChainCheck.Check(_withCrl, _payloads, _clientId, _auth, _octets, Now, null, false, _chains).IsOk;

    [Benchmark]
    public bool BindIdentity() => IdentityBinding.Binds(_leaf, IkeIdentity.Parse("client.example.org"));

    private static X509Certificate2 Ca(string name, ECDsa key, X509Certificate2? issuer, ECDsa? issuerKey)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return issuer is null
            ? request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(365))
            : request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey!), Now.AddDays(-1), Now.AddDays(365), [3]);
    }
}
