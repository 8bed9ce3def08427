using System.Buffers.Binary;
using System.Diagnostics;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Xunit.Abstractions;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>
/// Seeded mutation of a corpus (our own messages of every exchange plus any strongSwan captures under
/// TestData/strongswan): every input must either parse or fail with <see cref="IkeProtocolException"/>, and
/// what parses must re-serialise without an exception, to octets that parse and re-encode unchanged. The seed is fixed and printed; a failure names the
/// iteration so it can be replayed.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    // IKE_FUZZ_SEED / IKE_FUZZ_ITERATIONS override both for longer runs or to replay another seed by hand.
    private static readonly int Seed = EnvironmentInt("IKE_FUZZ_SEED", 0x1CE2_7296);
    private static readonly int Iterations = EnvironmentInt("IKE_FUZZ_ITERATIONS", 120_000);

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out int value) ? value : fallback;

    [Fact]
    public void ParseAndReserialise_MutatedCorpus_OnlyIkeProtocolException()
    {
        using var cipher = new TestSkCipher();
        var corpus = new List<byte[]>();
        List<byte[]> ours = SampleMessages.Corpus(cipher);
        corpus.AddRange(ours);
        corpus.Add(Hex.Parse(StrongSwanMessageTests.CharonCmdIkeSaInitRequest));
        List<(string Name, byte[] Data)> captures = SampleMessages.StrongSwanCaptures();
        corpus.AddRange(captures.Select(c => c.Data));

        // Decrypted inner chains join the corpus as plain payload chains behind a synthetic header, so the
        // mutations reach the inner payload parsers too.
        foreach (byte[] datagram in ours)
        {
            IkeMessage message = IkeMessage.Parse(datagram);
            if (message.Payloads is [EncryptedPayload] && message.TryDecrypt(cipher))
            {
                var plain = new IkeMessage(ExchangeType.Informational, 1, 2, 3, IkeHeaderFlags.Initiator);
                plain.Payloads.AddRange(message.Content);
                corpus.Add(plain.ToArray());
            }
        }

        output.WriteLine($"seed 0x{Seed:X8}, {Iterations} inputs, corpus {corpus.Count} messages ({captures.Count} strongSwan captures)");
        var random = new Random(Seed);
        int parsed = 0;
        int rejected = 0;
        var stopwatch = Stopwatch.StartNew();

        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(corpus[random.Next(corpus.Count)], random);
            try
            {
                IkeMessage message = IkeMessage.Parse(input);
                byte[] encoded = message.ToArray();
                parsed++;

                // What we write is canonical: it parses again and re-encodes to the same octets (RESERVED fields
                // inside payloads are written as zero, so it may differ from the mutated input itself).
                byte[] again = IkeMessage.Parse(encoded).ToArray();
                if (!again.AsSpan().SequenceEqual(encoded))
                {
                    Assert.Fail($"iteration {i} (seed 0x{Seed:X8}) re-encoding is not stable\ninput {Convert.ToHexString(input)}");
                }
            }
            catch (IkeProtocolException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} (seed 0x{Seed:X8}) threw {e.GetType().Name}: {e.Message}\ninput {Convert.ToHexString(input)}");
            }
        }

        output.WriteLine($"{parsed} parsed, {rejected} rejected in {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(Iterations, parsed + rejected);
        Assert.True(parsed > Iterations / 50, "mutations should leave a share of inputs parsable");
        Assert.True(rejected > Iterations / 10, "mutations should make a share of inputs malformed");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        switch (random.Next(6))
        {
            case 0: // flip 1-4 bits
            {
                byte[] copy = (byte[])original.Clone();
                int flips = random.Next(1, 5);
                for (int f = 0; f < flips; f++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            }

            case 1: // truncate (header Length kept, so the lengths disagree)
                return original.AsSpan(0, random.Next(original.Length)).ToArray();

            case 2: // truncate and fix the header Length, so the payload chain is cut
            {
                int length = random.Next(28, original.Length + 1);
                byte[] copy = original.AsSpan(0, length).ToArray();
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(24), (uint)length);
                return copy;
            }

            case 3: // edit a 16-bit field at an even offset after the header: most of them are lengths
            {
                byte[] copy = (byte[])original.Clone();
                if (copy.Length > 30)
                {
                    int offset = 28 + (random.Next((copy.Length - 29) / 2) * 2);
                    ushort value = BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(offset));
                    value = random.Next(3) switch
                    {
                        0 => (ushort)(value + random.Next(-8, 9)),
                        1 => (ushort)random.Next(65536),
                        _ => (ushort)(value ^ 0x8000),
                    };
                    BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(offset), value);
                }

                return copy;
            }

            case 4: // set a random octet to a random value (payload types, counts, ID types …)
            {
                byte[] copy = (byte[])original.Clone();
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
            }

            default: // append or insert random octets, header Length fixed up
            {
                int extra = random.Next(1, 16);
                int at = random.Next(28, original.Length + 1);
                byte[] copy = new byte[original.Length + extra];
                original.AsSpan(0, at).CopyTo(copy);
                random.NextBytes(copy.AsSpan(at, extra));
                original.AsSpan(at).CopyTo(copy.AsSpan(at + extra));
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(24), (uint)copy.Length);
                return copy;
            }
        }
    }
}
