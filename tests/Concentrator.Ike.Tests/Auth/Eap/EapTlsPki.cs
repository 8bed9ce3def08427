using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Crypto.Tls;
using Concentrator.Ike.Tests.Auth.Certificates;
using Concentrator.Ike.Tests.Sa;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>A gateway and clients for EAP-TLS tests: one CA for both, a second CA nobody trusts.</summary>
internal static class EapTlsPki
{
    public static readonly Issued Root = TestPki.Ca();
    public static readonly Issued Stranger = TestPki.Ca("C=CH, O=Elsewhere, CN=Unknown CA");
    public static readonly Issued Gateway = TestPki.Leaf(Root, "C=CH, O=Example, CN=vpn.example.org", dns: ["vpn.example.org"]);
    public static readonly Issued Alice = TestPki.Leaf(Root, "C=CH, O=Example, CN=alice", email: ["alice@example.org"]);
    public static readonly Issued AliceRsa = TestPki.Leaf(Root, "C=CH, O=Example, CN=alice", email: ["alice@example.org"], key: RSA.Create(2048));
    public static readonly Issued Mallory = TestPki.Leaf(Stranger, "C=CH, O=Example, CN=alice", email: ["alice@example.org"]);

    public static LocalCertificate Credential(Issued issued) =>
        LocalCertificate.Create([issued.Certificate], issued.Key switch
        {
            ECDsa ec => SigningKey.From(Copy(ec)),
            RSA rsa => SigningKey.From(Copy(rsa)),
            _ => throw new ArgumentException("RSA or ECDSA", nameof(issued)),
        });

    public static EapTlsSettings Server(int fragmentSize = EapTlsSettings.DefaultFragmentSize, TlsVersion max = TlsVersion.Tls13,
        TlsVersion min = TlsVersion.Tls12, int maxMessage = EapTlsSettings.DefaultMaxMessageSize) =>
        new(Credential(Gateway), new TrustPolicy([Root.Certificate]), new ManualTime())
        {
            FragmentSize = fragmentSize,
            MaxVersion = max,
            MinVersion = min,
            MaxMessageSize = maxMessage,
        };

    /// <summary>A client trusting <see cref="Root"/> for the gateway's certificate.</summary>
    public static EapTlsClient Client(Issued who, int fragmentSize = EapTlsSettings.DefaultFragmentSize, TlsVersion max = TlsVersion.Tls13) =>
        new(new TlsOptions(Credential(who), chain =>
            ChainValidator.Validate(new TrustPolicy([Root.Certificate]), chain[0], [.. chain.Skip(1)], TestPki.Now) is { IsOk: false } v ? v.Detail : null)
        {
            MaxVersion = max,
        }, fragmentSize);

    private static ECDsa Copy(ECDsa key)
    {
        var copy = ECDsa.Create();
        copy.ImportParameters(key.ExportParameters(true));
        return copy;
    }

    private static RSA Copy(RSA key)
    {
        var copy = RSA.Create();
        copy.ImportParameters(key.ExportParameters(true));
        return copy;
    }

    /// <summary>Runs server and client against each other until the server ends; the packets both ways.</summary>
    public static (EapStep Last, List<EapPacket> Requests, List<EapPacket> Responses) Converse(EapTlsServer server, IEapClient client,
        string identity = "alice@example.org")
    {
        var requests = new List<EapPacket>();
        var responses = new List<EapPacket>();
        EapStep step = server.Start(identity, 7);
        while (step is EapStep.Request request && requests.Count < 200)
        {
            Assert.True(EapPacket.TryParse(request.Message, out EapPacket packet, out _));
            requests.Add(packet);
            if (client.Process(packet) is not { } answer)
            {
                return (new EapStep.Failure("the client did not answer"), requests, responses);
            }

            responses.Add(answer);
            Assert.Equal(packet.Identifier, answer.Identifier);
            step = server.Process(answer);
        }

        return (step, requests, responses);
    }
}
