using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>
/// Stateless cookies (RFC 7296 §2.6): <c>Cookie = &lt;VersionIDofSecret&gt; | Hash(Ni | IPi | SPIi | &lt;secret&gt;)</c>,
/// here as a 4-octet secret version and HMAC-SHA-256 keyed with the secret. The secret changes every
/// <see cref="RotationPeriod"/>; a cookie made with the previous secret is still accepted, so that an initiator
/// caught by a rotation does not have to start over.
/// </summary>
public sealed class CookieGenerator
{
    private const int SecretLength = 32;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly Lock _lock = new();
    private byte[] _current = new byte[SecretLength];
    private byte[]? _previous;
    private uint _version;
    private DateTimeOffset _rotatedAt;

    public CookieGenerator(TimeProvider time, IRandomSource random, TimeSpan rotationPeriod)
    {
        _time = time;
        _random = random;
        RotationPeriod = rotationPeriod;
        _random.Fill(_current);
        _rotatedAt = time.GetUtcNow();
    }

    public TimeSpan RotationPeriod { get; }

    /// <summary>The cookie for one initiator.</summary>
    public byte[] Create(ReadOnlySpan<byte> ni, IPAddress initiatorAddress, ulong initiatorSpi)
    {
        lock (_lock)
        {
            Rotate();
            return Compute(_version, _current, ni, initiatorAddress, initiatorSpi);
        }
    }

    /// <summary>The stateless COOKIE answer to <paramref name="request"/>: RFC 7296 §2.6 "HDR(A,0), N(COOKIE)" —
    /// the responder SPI stays zero, since nothing is created.</summary>
    public static byte[] Response(IkeMessage request, byte[] cookie)
    {
        IkeMessage response = request.CreateResponse(senderIsOriginalInitiator: false);
        response.ResponderSpi = 0;
        response.Payloads.Add(new NotifyPayload(NotifyType.Cookie, cookie));
        return response.ToArray();
    }

    /// <summary>Whether <paramref name="cookie"/> is one we made for this initiator with the current or the
    /// previous secret.</summary>
    public bool Verify(ReadOnlySpan<byte> cookie, ReadOnlySpan<byte> ni, IPAddress initiatorAddress, ulong initiatorSpi)
    {
        if (cookie.Length != 4 + 32)
        {
            return false;
        }

        uint version = BinaryPrimitives.ReadUInt32BigEndian(cookie);
        byte[]? secret;
        lock (_lock)
        {
            Rotate();
            secret = version == _version ? _current : version == _version - 1 ? _previous : null;
        }

        return secret is not null
            && CryptographicOperations.FixedTimeEquals(Compute(version, secret, ni, initiatorAddress, initiatorSpi), cookie);
    }

    private void Rotate()
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (now - _rotatedAt < RotationPeriod)
        {
            return;
        }

        _previous = _current;
        _current = new byte[SecretLength];
        _random.Fill(_current);
        _version++;
        _rotatedAt = now;
    }

    private static byte[] Compute(uint version, byte[] secret, ReadOnlySpan<byte> ni, IPAddress address, ulong spi)
    {
        Span<byte> addr = stackalloc byte[16];
        address.TryWriteBytes(addr, out int addrLength);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(ni);
        hmac.AppendData(addr[..addrLength]);
        Span<byte> spiBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(spiBytes, spi);
        hmac.AppendData(spiBytes);
        var cookie = new byte[4 + 32];
        BinaryPrimitives.WriteUInt32BigEndian(cookie, version);
        hmac.GetHashAndReset(cookie.AsSpan(4));
        return cookie;
    }
}
