using System.Buffers.Binary;
using System.Text;

namespace Concentrator.Kernel.Tests.Golden;

/// <summary>
/// One capture of scripts/capture-golden.sh: the `ip` command and, per sendmsg/recvmsg, the datagram in hex
/// ("send: …" what iproute2 sent, "recv: …" what the kernel answered).
/// </summary>
internal sealed class GoldenFile
{
    private GoldenFile(string name, string command, List<byte[]> sent, List<byte[]> received)
    {
        Name = name;
        Command = command;
        Sent = sent;
        Received = received;
    }

    public string Name { get; }
    public string Command { get; }
    public IReadOnlyList<byte[]> Sent { get; }
    public IReadOnlyList<byte[]> Received { get; }

    public static GoldenFile Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", name + ".txt");
        var command = "";
        var sent = new List<byte[]>();
        var received = new List<byte[]>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("# command: ", StringComparison.Ordinal))
            {
                command = line["# command: ".Length..];
            }
            else if (line.StartsWith("send: ", StringComparison.Ordinal))
            {
                sent.Add(Convert.FromHexString(line["send: ".Length..].Trim()));
            }
            else if (line.StartsWith("recv: ", StringComparison.Ordinal))
            {
                received.Add(Convert.FromHexString(line["recv: ".Length..].Trim()));
            }
        }

        return new GoldenFile(name, command, sent, received);
    }

    /// <summary>
    /// The request of netlink type <paramref name="type"/> that iproute2 sent last (earlier ones are its
    /// ext-ack probe and the GETLINK that resolves "dev NAME"). Only the first message of the datagram counts.
    /// </summary>
    public byte[] Request(ushort type)
    {
        for (var i = Sent.Count - 1; i >= 0; i--)
        {
            var d = Sent[i];
            if (d.Length >= 16 && BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(4)) == type)
            {
                return d[..(int)BinaryPrimitives.ReadUInt32LittleEndian(d)];
            }
        }

        throw new InvalidOperationException($"{Name}: no request of type {type} in capture of `{Command}`");
    }

    /// <summary>The message with every top-level attribute of <paramref name="type"/> removed and nlmsg_len fixed.</summary>
    public static byte[] WithoutAttribute(byte[] message, int fixedSize, ushort type)
    {
        var start = 16 + ((fixedSize + 3) & ~3);
        var kept = new List<byte>(message[..start]);
        for (var at = start; at + 4 <= message.Length;)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(at));
            var aligned = Math.Min((len + 3) & ~3, message.Length - at);
            if ((BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(at + 2)) & 0x3fff) != type)
            {
                kept.AddRange(message.AsSpan(at, aligned));
            }

            at += Math.Max(aligned, 4);
        }

        var result = kept.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        return result;
    }

    public static uint Seq(byte[] message) => BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(8));

    /// <summary>Asserts byte equality, reporting the first differing offset with context.</summary>
    public void AssertEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var n = Math.Min(expected.Length, actual.Length);
        var first = -1;
        for (var i = 0; i < n; i++)
        {
            if (expected[i] != actual[i])
            {
                first = i;
                break;
            }
        }

        if (first < 0 && expected.Length == actual.Length)
        {
            return;
        }

        first = first < 0 ? n : first;
        var from = Math.Max(0, first - 8) & ~3;
        var sb = new StringBuilder();
        sb.Append(Name).Append(": bytes differ from iproute2 at offset ").Append(first)
          .Append(" (lengths ").Append(expected.Length).Append(" vs ").Append(actual.Length).Append(")\n")
          .Append("command:  ").Append(Command).Append('\n')
          .Append("iproute2: ").Append(Convert.ToHexString(expected[from..Math.Min(expected.Length, first + 24)])).Append('\n')
          .Append("ours:     ").Append(Convert.ToHexString(actual[from..Math.Min(actual.Length, first + 24)]));
        Assert.Fail(sb.ToString());
    }
}
