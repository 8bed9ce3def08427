using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.LoadGen.Cli;

namespace Concentrator.LoadGen.Engine;

/// <summary>
/// The swarm's certificate credential (<c>--cert</c>, <c>--key</c>, <c>--ca</c>): one certificate and key for every
/// client, as strongSwan's load-tester uses, signing each IKE_AUTH (RFC 7296 §2.15, RFC 7427); the gateway's
/// certificate checked against the CAs when given. IDi is the certificate's subject DN unless <c>--id</c> names
/// another identity (which the certificate must then carry as a subjectAltName).
/// </summary>
internal sealed class ClientCertificate : IDisposable
{
    private ClientCertificate(LocalCertificate local, TrustPolicy? trust)
    {
        Local = local;
        Authenticator = new PubkeyAuthenticator(local, trust);
        Subject = new IkeIdentity(IdType.DerAsn1Dn, local.EndEntity.SubjectName.RawData);
        SubjectText = local.EndEntity.Subject;
    }

    public LocalCertificate Local { get; }

    /// <summary>Signs our AUTH; verifies the gateway's when <see cref="ChecksGateway"/>.</summary>
    public PubkeyAuthenticator Authenticator { get; }

    public bool ChecksGateway => Authenticator.Trust is not null;

    /// <summary>The certificate's subject as an ID_DER_ASN1_DN identity.</summary>
    public IkeIdentity Subject { get; }

    public string SubjectText { get; }

    /// <summary>The credential of the options, or null without <c>--cert</c>; <see cref="FormatException"/> naming the
    /// file when one does not read or the key is not the certificate's.</summary>
    public static ClientCertificate? From(LoadGenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CertificateFile is not { } certFile)
        {
            return null;
        }

        IReadOnlyList<X509Certificate2> chain = Read(certFile, LocalCertificate.ReadPem);
        SigningKey key = Read(options.KeyFile ?? throw new FormatException("--cert needs --key"), SigningKey.FromPem);
        LocalCertificate local;
        try
        {
            local = LocalCertificate.Create(chain, key);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new FormatException($"{options.KeyFile}: {e.Message}", e);
        }

        TrustPolicy? trust = options.CaFile is { } caFile ? new TrustPolicy(Read(caFile, LocalCertificate.ReadPem)) : null;
        return new ClientCertificate(local, trust);
    }

    private static T Read<T>(string file, Func<string, T> parse)
    {
        try
        {
            return parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new FormatException($"{file}: {e.Message}", e);
        }
    }

    /// <summary>For EAP-TLS: the gateway's TLS chain judged by the CAs of <c>--ca</c>; without them any chain passes
    /// (as the IKE gateway is then checked by the PSK only).</summary>
    public string? CheckTlsServer(IReadOnlyList<X509Certificate2> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (Authenticator.Trust is not { } trust)
        {
            return null;
        }

        ChainVerdict verdict = ChainValidator.Validate(trust, chain[0], [.. chain.Skip(1)], DateTimeOffset.UtcNow);
        return verdict.IsOk ? null : verdict.Detail;
    }

    public void Dispose() => Local.Dispose();
}
