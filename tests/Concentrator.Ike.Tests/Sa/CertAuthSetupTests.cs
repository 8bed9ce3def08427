using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Sa.Connections;
using Concentrator.Ike.Tests.Auth.Certificates;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b with certificates: our initiator and responder authenticate each other with certificates
/// (RFC 7296 §2.15, RFC 7427), CERTREQ in IKE_SA_INIT, the chain in CERT payloads, refusals with their reason.</summary>
public class CertAuthSetupTests
{
    private static readonly Issued Root = TestPki.Ca();
    private static readonly Issued Gateway = TestPki.Leaf(Root, "C=CH, O=Example, CN=vpn.example.org", dns: ["vpn.example.org"]);

    private static PubkeyAuthenticator Pubkey(Issued leaf, Issued? trusted, params X509Certificate2[] intermediates)
    {
        SigningKey key = leaf.Ed25519Seed is { } seed ? SigningKey.FromEd25519Seed(seed) : SigningKey.From(leaf.Key!);
        var local = LocalCertificate.Create([leaf.Certificate, .. intermediates], key);
        return new PubkeyAuthenticator(local, trusted is null ? null : new TrustPolicy([trusted.Certificate]));
    }

    private static IkeSaConfig Config(string id, PubkeyAuthenticator auth, Func<IkeSaConfig, IkeSaConfig>? tweak = null) =>
        SaPair.Config(id, "unused", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"], c => (tweak ?? (x => x))(c with
        {
            LocalAuthenticator = auth,
            RemoteAuthenticators = [auth],
        }));

    private static SaPair Pair(Issued client, string clientId, Issued? serverTrusts = null, X509Certificate2[]? clientIntermediates = null,
        Func<IkeSaConfig, IkeSaConfig>? clientTweak = null, Func<IkeSaConfig, IkeSaConfig>? serverTweak = null) =>
        new(Config(clientId, Pubkey(client, Root, clientIntermediates ?? []), c => (clientTweak ?? (x => x))(c with { RequestVirtualIp4 = true, FragmentSize = Unfragmented })),
            Config("vpn.example.org", Pubkey(Gateway, serverTrusts ?? Root), serverTweak),
            new ListAllocator("10.99.0.1"));

    /// <summary>Large enough that IKE_AUTH goes in one SK payload, so tests can read it.</summary>
    private const int Unfragmented = 60000;

    public static TheoryData<string> Keys => ["rsa2048", "rsa-pss", "p256", "p384", "ed25519"];

    [Theory]
    [MemberData(nameof(Keys))]
    public void Setup_ClientCertificate_BothEstablishedWithMethod14(string kind)
    {
        Issued client = kind switch
        {
            "rsa2048" or "rsa-pss" => TestPki.Leaf(Root, dns: ["client.example.org"], key: RSA.Create(2048)),
            "p384" => TestPki.Leaf(Root, dns: ["client.example.org"], key: ECDsa.Create(ECCurve.NamedCurves.nistP384)),
            "ed25519" => Ed25519Client(),
            _ => TestPki.Leaf(Root, dns: ["client.example.org"]),
        };
        string id = kind == "ed25519" ? "ed.example.org" : "client.example.org";
        using SaPair pair = kind == "rsa-pss"
            ? new SaPair(Config(id, PssPubkey(client), c => c with { RequestVirtualIp4 = true, FragmentSize = Unfragmented }), Config("vpn.example.org", Pubkey(Gateway, Root)), new ListAllocator("10.99.0.1"))
            : Pair(client, id);

        pair.Run();

        Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(id, pair.Responder.RemoteIdentity!.ToString());
        Assert.Single(pair.ResponderInstalled);
        var authRequest = Decrypt(pair, 2);
        AuthPayload auth = authRequest.Get<AuthPayload>()!;
        Assert.Equal(AuthMethod.DigitalSignature, auth.Method);
        Assert.True(DigitalSignatureAuth.TryParse(auth.Data.Span, out SignatureScheme scheme, out _));
        Assert.Equal(kind switch { "rsa2048" => SignatureScheme.RsaPkcs1Sha256, "rsa-pss" => SignatureScheme.RsaPssSha256, "p384" => SignatureScheme.EcdsaSha384, "ed25519" => SignatureScheme.Ed25519, _ => SignatureScheme.EcdsaSha256 }, scheme);
    }

    [Fact]
    public void Setup_ResponderWithCas_SendsCertReqWithCaKeyHashInIkeSaInit()
    {
        using SaPair pair = Pair(TestPki.Leaf(Root, dns: ["client.example.org"]), "client.example.org");

        pair.Run();

        CertReqPayload request = IkeMessage.Parse(pair.Wire[1].Datagram).Get<CertReqPayload>()!;
        Assert.Equal(CertificateEncoding.X509Signature, request.Encoding);
        Assert.Equal(TrustPolicy.KeyHash(Root.Certificate), request.CaHash(0).ToArray());
    }

    [Fact]
    public void Setup_InitiatorWithCas_SendsCertReqInIkeAuth()
    {
        using SaPair pair = Pair(TestPki.Leaf(Root, dns: ["client.example.org"]), "client.example.org");

        pair.Run();

        CertReqPayload request = Decrypt(pair, 2).Get<CertReqPayload>()!;
        Assert.Equal(TrustPolicy.KeyHash(Root.Certificate), request.CaHash(0).ToArray());
    }

    [Fact]
    public void Setup_ChainWithIntermediate_CertPayloadsEndEntityFirst()
    {
        Issued intermediate = TestPki.Ca("C=CH, O=Example, CN=Intermediate", Root);
        Issued client = TestPki.Leaf(intermediate, dns: ["client.example.org"]);
        using SaPair pair = Pair(client, "client.example.org", clientIntermediates: [intermediate.Certificate]);

        pair.Run();

        Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
        var certs = Decrypt(pair, 2).GetAll<CertPayload>().Select(c => c.Data.ToArray()).ToList();
        Assert.Equal([client.Certificate.RawData, intermediate.Certificate.RawData], certs);
    }

    [Fact]
    public void Setup_UnknownCa_AuthenticationFailedWithReason()
    {
        Issued other = TestPki.Ca("C=CH, O=Other, CN=Other Root CA");
        using SaPair pair = Pair(TestPki.Leaf(other, dns: ["client.example.org"]), "client.example.org");

        pair.Run();

        Assert.Equal(NotifyType.AuthenticationFailed, pair.Responder.FailureNotify);
        Assert.Equal(AuthFailure.CertificateUntrusted, pair.Responder.AuthFailure);
        Assert.Contains("does not chain to a CA", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x82, 0x01 })]
    [InlineData(new byte[] { 0x01, 0x02, 0x03, 0x04 })]
    [InlineData(new byte[0])]
    public void Setup_GarbageCertPayload_AuthenticationFailedAsMalformed(byte[] garbage)
    {
        AssertMalformedCertRefused(garbage).Dispose();
    }

    [Fact]
    public void PeerCertificates_OversizedCertPayload_RefusedBeforeParsing()
    {
        var message = new IkeMessage();
        message.Payloads.Add(new CertPayload(CertificateEncoding.X509Signature, Gateway.Certificate.RawData));
        message.Payloads.Add(new CertPayload(CertificateEncoding.X509Signature, new byte[20000]));

        using PeerCertificates sent = PeerCertificates.From(message, 7, out AuthFailure? failure, out string detail);

        Assert.Equal(AuthFailure.CertificateMalformed, failure);
        Assert.Contains("CERT payload 2 holds 20000 octets", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PeerCertificates_MoreThanTheLimit_RefusedAsTooLongBeforeParsing()
    {
        var message = new IkeMessage();
        for (int i = 0; i < 4; i++)
        {
            message.Payloads.Add(new CertPayload(CertificateEncoding.X509Signature, new byte[] { 1, 2, 3 }));
        }

        using PeerCertificates sent = PeerCertificates.From(message, 3, out AuthFailure? failure, out _);

        Assert.Equal(AuthFailure.CertificateChainTooLong, failure);
    }

    private static SaPair AssertMalformedCertRefused(byte[] garbage)
    {
        Issued client = TestPki.Leaf(Root, dns: ["client.example.org"]);
        var tampering = new TamperingAuthenticator(Pubkey(client, Root), garbage);
        var pair = new SaPair(Config("client.example.org", Pubkey(client, Root), c => c with { LocalAuthenticator = tampering, FragmentSize = Unfragmented }),
            Config("vpn.example.org", Pubkey(Gateway, Root)));

        pair.Run();

        Assert.Equal(NotifyType.AuthenticationFailed, pair.Responder.FailureNotify);
        Assert.Equal(AuthFailure.CertificateMalformed, pair.Responder.AuthFailure);
        Assert.Empty(pair.ResponderInstalled);
        return pair;
    }

    [Fact]
    public void Setup_IdiNotBound_AuthenticationFailedAsNotBound()
    {
        using SaPair pair = Pair(TestPki.Leaf(Root, dns: ["client.example.org"]), "mallory.example.org");

        pair.Run();

        Assert.Equal(AuthFailure.CertificateIdentityNotBound, pair.Responder.AuthFailure);
        Assert.Contains("mallory.example.org", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Empty(pair.ResponderInstalled);
    }

    [Fact]
    public void Setup_RsaChain4096_FragmentedBothWays()
    {
        Issued root = TestPki.Ca("C=CH, O=Big, CN=Big Root", key: RSA.Create(4096));
        Issued first = TestPki.Ca("C=CH, O=Big, CN=Big Intermediate 1", root, key: RSA.Create(4096));
        Issued second = TestPki.Ca("C=CH, O=Big, CN=Big Intermediate 2", first, key: RSA.Create(4096));
        Issued client = TestPki.Leaf(second, dns: ["client.example.org"], key: RSA.Create(4096));
        Issued gateway = TestPki.Leaf(second, "C=CH, O=Big, CN=vpn.example.org", dns: ["vpn.example.org"], key: RSA.Create(4096));
        X509Certificate2[] intermediates = [second.Certificate, first.Certificate];
        using var pair = new SaPair(
            Config("client.example.org", Pubkey(client, root, intermediates), c => c with { RequestVirtualIp4 = true }),
            Config("vpn.example.org", Pubkey(gateway, root, intermediates)), new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        List<IkeMessage> auth = pair.Wire.Skip(2).Select(w => IkeMessage.Parse(w.Datagram)).ToList();
        Assert.True(auth.Count(m => !m.IsResponse) > 1);
        Assert.True(auth.Count(m => m.IsResponse) > 1);
        Assert.All(pair.Wire.Skip(2), w => Assert.True(w.Datagram.Length <= 1280));
    }

    [Fact]
    public void Selection_TwoPubkeyConnections_ThePeersCaDecides()
    {
        Issued sales = TestPki.Ca("C=CH, O=Example, CN=Sales CA");
        Issued client = TestPki.Leaf(sales, "C=CH, O=Example, CN=carol");
        ConnectionCandidate Candidate(string name, Issued ca) => new(name, Config("vpn.example.org", Pubkey(Gateway, ca),
            c => c with { RemoteIdentity = IkeIdentity.Parse("C=CH, O=Example, CN=*") }))
        { AddressAllocator = new ListAllocator("10.99.0.1"), Tag = name };
        ConnectionCandidate[] connections = [Candidate("staff", Root), Candidate("sales", sales)];
        using var pair = new SaPair(Config("C=CH, O=Example, CN=carol", Pubkey(client, Root), c => c with { RequestVirtualIp4 = true }),
            connections[0].Config, connections: connections);

        pair.Run();

        Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
        Assert.Equal("sales", pair.Responder.Connection!.Tag);
    }

    [Theory]
    [InlineData("C=CH, O=Example, CN=carol", "exact")]
    [InlineData("C=CH, O=Example, CN=dave", "wildcard")]
    [InlineData("C=CH, O=Elsewhere, CN=erin", "any")]
    public void Selection_DnPatterns_ExactBeatsWildcardBeatsAny(string subject, string expected)
    {
        ConnectionCandidate Candidate(string name, string remoteId) => new(name, Config("vpn.example.org", Pubkey(Gateway, Root),
            c => c with { RemoteIdentity = IkeIdentity.Parse(remoteId) }))
        { AddressAllocator = new ListAllocator("10.99.0.1"), Tag = name };
        // Listed worst first: the rank decides, not the order.
        ConnectionCandidate[] connections =
        [
            Candidate("any", "%any"),
            Candidate("wildcard", "C=CH, O=Example, CN=*"),
            Candidate("exact", "C=CH, O=Example, CN=carol"),
        ];
        Issued client = TestPki.Leaf(Root, subject);
        using var pair = new SaPair(Config(subject, Pubkey(client, Root), c => c with { RequestVirtualIp4 = true }),
            connections[0].Config, connections: connections);

        pair.Run();

        Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
        Assert.Equal(expected, pair.Responder.Connection!.Tag);
    }

    /// <summary>Signs as <paramref name="inner"/> does, then replaces the end-entity CERT with garbage.</summary>
    private sealed class TamperingAuthenticator(PubkeyAuthenticator inner, byte[] garbage) : IAuthenticator
    {
        public AuthMethod Method => inner.Method;

        public bool Build(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote)
        {
            bool built = inner.Build(sa, message, local, remote);
            message.Payloads.OfType<CertPayload>().First().Data = garbage;
            return built;
        }

        public AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote) => inner.Verify(sa, message, local, remote);
    }

    private static readonly byte[] _edSeed = RandomNumberGenerator.GetBytes(32);

    private static Issued Ed25519Client()
    {
        using SigningKey key = SigningKey.FromEd25519Seed(_edSeed);
        return TestPki.Ed25519Leaf(Root, _edSeed, key.PublicKeyBits());
    }

    private static PubkeyAuthenticator PssPubkey(Issued leaf)
    {
        var local = LocalCertificate.Create([leaf.Certificate], SigningKey.From(leaf.Key!), preferPss: true);
        return new PubkeyAuthenticator(local, new TrustPolicy([Root.Certificate]));
    }

    /// <summary>The IKE_AUTH message at <paramref name="index"/> on the wire, decrypted with the responder's keys.</summary>
    private static IkeMessage Decrypt(SaPair pair, int index)
    {
        IkeMessage message = IkeMessage.Parse(pair.Wire[index].Datagram);
        Assert.True(message.TryDecrypt(pair.Responder.Ciphers!.Inbound));
        return message;
    }
}
