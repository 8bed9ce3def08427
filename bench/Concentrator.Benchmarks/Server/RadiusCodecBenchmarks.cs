using System.Net;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Server.Radius;

namespace Concentrator.Benchmarks.Server;

#pragma warning disable CA5351 // the baseline is the MD5 every RADIUS packet costs (RFC 2865 §3).

/// <summary>
/// The RADIUS codec's work per packet: encoding an Access-Request with a 100-octet EAP-Message (attributes, HMAC-MD5
/// Message-Authenticator), parsing and authenticating an Access-Challenge (Response Authenticator + Message-Authenticator),
/// encoding an Accounting-Request Stop, decrypting the two MS-MPPE keys of an Access-Accept. Baseline: one MD5 over a
/// packet of the same size plus the secret, the least any RADIUS implementation spends on it.
/// </summary>
[MemoryDiagnoser]
public class RadiusCodecBenchmarks
{
    private static readonly byte[] Secret = "a-shared-secret-of-24-oc"u8.ToArray();
    private readonly byte[] _eap = RandomNumberGenerator.GetBytes(100);
    private readonly byte[] _requestAuthenticator = RandomNumberGenerator.GetBytes(16);
    private RadiusAttribute[] _accessAttributes = [];
    private RadiusAttribute[] _accountingAttributes = [];
    private byte[] _challenge = [];
    private byte[] _sendKey = [];
    private byte[] _recvKey = [];
    private byte[] _md5Input = [];

    [GlobalSetup]
    public void Setup()
    {
        _accessAttributes =
        [
            RadiusAttribute.Text(RadiusAttributeType.UserName, "alice@example.net"),
            RadiusAttribute.Text(RadiusAttributeType.NasIdentifier, "concentrator"),
            RadiusAttribute.Integer(RadiusAttributeType.NasPort, 4711),
            RadiusAttribute.Integer(RadiusAttributeType.NasPortType, 5),
            RadiusAttribute.Text(RadiusAttributeType.CalledStationId, "203.0.113.1[4500]"),
            RadiusAttribute.Text(RadiusAttributeType.CallingStationId, "198.51.100.7[4500]"),
            new RadiusAttribute(RadiusAttributeType.State, RandomNumberGenerator.GetBytes(16)),
        ];
        _accountingAttributes =
        [
            RadiusAttribute.Integer(RadiusAttributeType.AcctStatusType, 2),
            RadiusAttribute.Text(RadiusAttributeType.AcctSessionId, "5f3c2a9e81d04b7a"),
            RadiusAttribute.Text(RadiusAttributeType.UserName, "alice@example.net"),
            RadiusAttribute.Text(RadiusAttributeType.NasIdentifier, "concentrator"),
            RadiusAttribute.Address(RadiusAttributeType.FramedIpAddress, IPAddress.Parse("10.77.0.9")),
            RadiusAttribute.Integer(RadiusAttributeType.AcctSessionTime, 3600),
            RadiusAttribute.Integer(RadiusAttributeType.AcctInputOctets, 123_456_789),
            RadiusAttribute.Integer(RadiusAttributeType.AcctInputGigawords, 2),
            RadiusAttribute.Integer(RadiusAttributeType.AcctOutputOctets, 987_654_321),
            RadiusAttribute.Integer(RadiusAttributeType.AcctOutputGigawords, 0),
            RadiusAttribute.Integer(RadiusAttributeType.AcctTerminateCause, 1),
        ];
        _challenge = RadiusEncoder.Reply(RadiusCode.AccessChallenge, 7, _requestAuthenticator,
            [new RadiusAttribute(RadiusAttributeType.State, RandomNumberGenerator.GetBytes(16))], _eap, Secret, messageAuthenticator: true);
        _sendKey = MppeKey.Encrypt(RandomNumberGenerator.GetBytes(32), Secret, _requestAuthenticator, 0x8001);
        _recvKey = MppeKey.Encrypt(RandomNumberGenerator.GetBytes(32), Secret, _requestAuthenticator, 0x8002);
        _md5Input = RandomNumberGenerator.GetBytes(_challenge.Length + Secret.Length);
    }

    [Benchmark(Baseline = true)]
    public byte[] Md5OfOnePacket() => MD5.HashData(_md5Input);

    [Benchmark]
    public byte[] EncodeAccessRequest() => RadiusEncoder.AccessRequest(7, _requestAuthenticator, _accessAttributes, _eap, Secret);

    [Benchmark]
    public RadiusRefusal ParseAndAuthenticateChallenge()
    {
        return RadiusPacket.TryParse(_challenge, out var packet, out var refusal)
            ? RadiusAuthenticator.VerifyReply(packet!, _requestAuthenticator, Secret, hasEapMessage: true)
            : refusal;
    }

    [Benchmark]
    public byte[] EncodeAccountingStop() => RadiusEncoder.AccountingRequest(9, _accountingAttributes, Secret);

    [Benchmark]
    public bool DecryptMppeKeys() =>
        MppeKey.TryDecrypt(_sendKey, Secret, _requestAuthenticator, out _) & MppeKey.TryDecrypt(_recvKey, Secret, _requestAuthenticator, out _);
}
