using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class PrfPlusTests
{
    [Fact]
    public void Derive_ThreeBlocks_ChainsPreviousBlockSeedAndCounter()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] seed = RandomNumberGenerator.GetBytes(40);

        byte[] output = PrfPlus.Derive(prf, key, seed, 70);

        // RFC 7296 §2.13: T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02), T3 = prf(K, T2 | S | 0x03).
        byte[] t1 = HMACSHA256.HashData(key, (byte[])[.. seed, 1]);
        byte[] t2 = HMACSHA256.HashData(key, (byte[])[.. t1, .. seed, 2]);
        byte[] t3 = HMACSHA256.HashData(key, (byte[])[.. t2, .. seed, 3]);
        Assert.Equal([.. t1, .. t2, .. t3[..6]], output);
    }

    [Fact]
    public void Derive_MoreThan255Blocks_Throws()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha1);

        Assert.Throws<ArgumentOutOfRangeException>(() => PrfPlus.Derive(prf, new byte[20], new byte[8], 255 * 20 + 1));
        Assert.Equal(255 * 20, PrfPlus.Derive(prf, new byte[20], new byte[8], 255 * 20).Length);
    }

    [Fact]
    public void Derive_ShorterOutput_IsPrefixOfLongerOutput()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_512);
        byte[] key = RandomNumberGenerator.GetBytes(17);
        byte[] seed = RandomNumberGenerator.GetBytes(3);

        byte[] longer = PrfPlus.Derive(prf, key, seed, 200);
        byte[] shorter = PrfPlus.Derive(prf, key, seed, 65);

        Assert.Equal(longer[..65], shorter);
    }
}
