using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Event;
using Concentrator.Fuzz.Corpus;
using Concentrator.Fuzz.Mutation;
using Concentrator.Host.Configuration;
using Concentrator.Server.Runtime;

namespace Concentrator.Fuzz.Actor;

/// <summary>
/// The actor mode: an in-process <see cref="ConcentratorNode"/> (userspace dataplane, 127.0.0.1, high ports) holding
/// SAs of real initiators, fed mutated datagrams over UDP on both ports: IKE_SA_INIT for new SAs, unauthenticated
/// (mutated after sealing) requests aimed at the held SAs, authenticated (plaintext-mutated) requests for a few
/// "victim" SAs that may legitimately end, and mutated captured requests. Afterwards, past the half-open timeout:
/// Error events, live and half-open SAs, leases, and a DPD from every held SA.
/// </summary>
internal static class ActorFuzzer
{
    private const string Secret = "fuzz-actor-secret-0123456789";
    private const int Victims = 4;
    private static readonly TimeSpan HalfOpenTimeout = TimeSpan.FromSeconds(30);

    public static async Task<string> RunAsync(FuzzOptions options)
    {
        var random = new Random(options.Seed);
        ProfileCorpus corpus = ProfileCorpus.Capture(Profile.All[0]);
        var donors = corpus.Established.SelectMany(t => ChainMutator.Split(t.FirstInner, t.Plaintext) ?? []).ToList();
        string dir = Directory.CreateTempSubdirectory("concentrator-fuzz-").FullName;
        (int port, int natT) = FreePorts();
        Directory.CreateDirectory(Path.Combine(dir, "conns"));
        await File.WriteAllTextAsync(Path.Combine(dir, "conns", "fuzz.conf"), $$"""
            fuzz {
              local { id = "gw.fuzz.test", auth = psk }
              remote { id = "%any", auth = psk }
              ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
              esp-proposals = [ "aes256gcm16" ]
              local-ts = [ "198.51.100.0/24" ]
              pools = [ "10.231.0.0/16" ]
              ipsec-interface = no
              dpd { delay = 0s }
            }
            secrets { "%any" = "{{Secret}}" }
            """);
        string main = Path.Combine(dir, "main.conf");
        await File.WriteAllTextAsync(main, $$"""
            concentrator {
              config-dir = "conns"
              dataplane = userspace
              leases.path = ""
              ike { listen = [ "127.0.0.1" ], port = {{port}}, nat-t-port = {{natT}}, half-open-cookie-threshold = 1000000, half-open-per-source-cookie-threshold = 1000000, half-open-limit = 1000000 }
            }
            akka.loglevel = ERROR
            """);
        var definition = ConfigLoader.Load(main).ToNodeDefinition();
        ConcentratorNode node = await ConcentratorNode.StartAsync(definition);
        var errors = new ErrorLog();
        node.System.EventStream.Subscribe(node.System.ActorOf(ErrorCounter.Props(errors)), typeof(Error));
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var serverNatT = new IPEndPoint(IPAddress.Loopback, natT);

        var held = new List<UdpPeer>();
        for (int i = 0; i < options.HeldSas; i++)
        {
            held.Add(await Connect(server, $"held-{i}@fuzz.test"));
        }

        var victims = new List<UdpPeer>();
        int generation = 0;
        for (int i = 0; i < Victims; i++)
        {
            victims.Add(await Connect(server, $"victim-{generation++}@fuzz.test"));
        }

        using var stop = new CancellationTokenSource();
        victims.ForEach(v => v.Listen(stop.Token));
        var victimAnswers = new int[Victims];
        var attackers = Enumerable.Range(0, 4).Select(_ =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }).ToList();

        var counts = new Dictionary<string, long>();
        var clock = Stopwatch.StartNew();
        for (long n = 0; n < options.Inputs; n++)
        {
            int roll = random.Next(100);
            string kind;
            if (roll < 5)
            {
                kind = "victim (authenticated, plaintext mutated)";
                await Victim(victims[random.Next(victims.Count)], corpus, donors, random);
            }
            else
            {
                byte[] datagram;
                if (roll < 40)
                {
                    kind = "IKE_SA_INIT (new SA)";
                    datagram = (byte[])corpus.InitRequest.Clone();
                    random.NextBytes(datagram.AsSpan(0, 8));
                    Mutate(random, ref datagram, donors);
                }
                else if (roll < 90)
                {
                    kind = "held SA (unauthenticated: mutated after sealing)";
                    UdpPeer target = held[random.Next(held.Count)];
                    Template template = corpus.Established[random.Next(corpus.Established.Count)];
                    List<byte[]> sealedList = random.Next(3) == 0
                        ? Sealer.SealFragments(target.Head(template.Exchange), template.FirstInner, template.Plaintext, target.Sealing, random.Next(1, 5))
                        : [Sealer.Seal(target.Head(template.Exchange), template.FirstInner, template.Plaintext, target.Sealing)];
                    byte[] original = sealedList[random.Next(sealedList.Count)];
                    datagram = (byte[])original.Clone();
                    while (IsAuthentic(datagram, original) || (options.AvoidKnown && HitsKnownBug(datagram)))
                    {
                        datagram = (byte[])original.Clone();
                        ByteMutator.Apply(random, ref datagram, 28);
                    }
                }
                else
                {
                    kind = "captured request mutated";
                    datagram = (byte[])corpus.Raw[random.Next(corpus.Raw.Count)].Clone();
                    Mutate(random, ref datagram, donors);
                }

                bool viaNatT = random.Next(4) == 0;
                byte[] wire = viaNatT ? [0, 0, 0, 0, .. datagram] : datagram;
                await attackers[random.Next(attackers.Count)].SendToAsync(wire, viaNatT ? serverNatT : server);
                if ((n & 63) == 0)
                {
                    await Task.Delay(1);
                }
            }

            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            if (n % 1000 == 999)
            {
                // A victim that answered nothing for 1000 inputs is gone (or lost its window): delete it, take a new one.
                for (int v = 0; v < victims.Count; v++)
                {
                    if (victims[v].Answers == victimAnswers[v])
                    {
                        await Retire(victims[v], corpus);
                        victims[v].Dispose();
                        victims[v] = await Connect(server, $"victim-{generation++}@fuzz.test");
                        victims[v].Listen(stop.Token);
                    }

                    victimAnswers[v] = victims[v].Answers;
                }
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        foreach (UdpPeer victim in victims)
        {
            await Retire(victim, corpus);
        }

        await Task.Delay(500);
        await stop.CancelAsync();

        // Every half-open SA the inputs created must be gone after the half-open timeout.
        var deadline = Stopwatch.StartNew();
        Concentrator.Server.Sa.IkeSaDispatcherStats stats = await node.SaStatsAsync();
        while ((stats.HalfOpen > 0 || stats.Live > held.Count) && deadline.Elapsed < HalfOpenTimeout + TimeSpan.FromSeconds(15))
        {
            await Task.Delay(1000);
            stats = await node.SaStatsAsync();
        }

        int online = node.Served[0].Pools.Online;
        int answered = 0;
        foreach (UdpPeer peer in held)
        {
            answered += await peer.DpdAsync() ? 1 : 0;
        }

        var text = new StringBuilder();
        text.AppendLine($"mode actor, seed {options.Seed}, node on 127.0.0.1:{port}/{natT} (userspace dataplane), {held.Count} held SAs, {Victims} victim SAs at a time ({generation} used)");
        text.AppendLine($"inputs {options.Inputs:N0} in {seconds:F1} s = {options.Inputs / seconds:N0} inputs/s");
        foreach ((string kind, long count) in counts.OrderByDescending(c => c.Value))
        {
            text.AppendLine($"  {count,10:N0}  {kind}");
        }

        text.AppendLine($"Error events (actor failures/restarts and error logs): {errors.Count}");
        foreach (string line in errors.Top(10))
        {
            text.AppendLine($"  {line}");
        }

        text.AppendLine($"after {deadline.Elapsed.TotalSeconds:F0} s: live IKE SAs {stats.Live} (held {held.Count}), half-open {stats.HalfOpen}, created {stats.Created:N0}");
        text.AppendLine($"leases online {online} (held {held.Count})");
        text.AppendLine($"held SAs answering a DPD: {answered} of {held.Count}");
        bool pass = errors.Count == 0 && stats.HalfOpen == 0 && stats.Live == held.Count && online == held.Count && answered == held.Count;
        text.AppendLine($"VERDICT {(pass ? "pass" : "FAIL")}");

        held.ForEach(p => p.Dispose());
        victims.ForEach(p => p.Dispose());
        attackers.ForEach(s => s.Dispose());
        await node.StopAsync();
        Directory.Delete(dir, recursive: true);
        return text.ToString();
    }

    private static async Task<UdpPeer> Connect(IPEndPoint server, string identity)
    {
        var peer = new UdpPeer(server, identity, Secret);
        return await peer.ConnectAsync() ? peer : throw new InvalidOperationException($"{identity} did not establish");
    }

    /// <summary>An authenticated request with a mutated inner chain, sealed at the victim's window; the victim's
    /// listener moves the window when the node answers.</summary>
    private static async Task Victim(UdpPeer victim, ProfileCorpus corpus, List<Segment> donors, Random random)
    {
        // DPD, CHILD SA rekey, CHILD SA Delete: not the IKE SA's rekey or Delete, after which the harness would lose
        // track of an SA that legitimately lives on under new SPIs (or ends).
        Template template = corpus.Established[random.Next(corpus.Established.Count - 2)];
        byte first = template.FirstInner;
        byte[] plaintext = (byte[])template.Plaintext.Clone();
        if (random.Next(2) == 0)
        {
            ChainMutator.Apply(random, ref first, ref plaintext, donors);
        }
        else
        {
            ByteMutator.Apply(random, ref plaintext, 0);
        }

        await victim.SendAsync(Sealer.Seal(victim.Head(template.Exchange), first, plaintext, victim.Sealing));
    }

    /// <summary>Ends a victim SA with an authenticated Delete (RFC 7296 §1.4.1), if it is still there.</summary>
    private static async Task Retire(UdpPeer victim, ProfileCorpus corpus)
    {
        Template delete = corpus.Established[^1];
        int before = victim.Answers;
        uint next = victim.NextId;
        for (int i = 0; i < 12 && victim.Answers == before; i++)
        {
            // The window may be a request or two further than the listener saw (an answer lost on loopback).
            victim.NextId = next + (uint)(i % 4);
            await victim.SendAsync(Sealer.Seal(victim.Head(delete.Exchange), delete.FirstInner, delete.Plaintext, victim.Sealing));
            await Task.Delay(50);
        }
    }

    /// <summary>Whether the IKE message the node will read (the classifier cuts at the header's Length) is still the
    /// sealed original: octets appended after it leave a genuine request, which held SAs must not get.</summary>
    private static bool IsAuthentic(byte[] datagram, byte[] original) =>
        Concentrator.Server.Network.DatagramClassifier.Classify(datagram, natT: false, out _, out Range range) == Concentrator.Server.Network.DatagramKind.Ike
        && datagram.AsSpan()[range].SequenceEqual(original);

    /// <summary>Inputs the lead knows end an SA before its integrity check (issue 10, fixed elsewhere): an SKF with
    /// Total Fragments above 64, and a protected exchange whose header names neither SK nor SKF.</summary>
    private static bool HitsKnownBug(byte[] datagram) =>
        datagram.Length >= 36 && datagram[18] is 35 or 36 or 37
        && ((datagram[16] == Sealer.Skf && System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(34)) > 64)
            || datagram[16] is not (Sealer.Sk or Sealer.Skf));

    private static void Mutate(Random random, ref byte[] datagram, List<Segment> donors)
    {
        if (random.Next(4) == 0)
        {
            byte first = datagram[16];
            byte[] chain = datagram[28..];
            ChainMutator.Apply(random, ref first, ref chain, donors);
            byte[] head = datagram[..28];
            head[16] = first;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(24), (uint)(28 + chain.Length));
            datagram = [.. head, .. chain];
            return;
        }

        for (int i = random.Next(1, 4); i > 0; i--)
        {
            ByteMutator.Apply(random, ref datagram, 28);
        }
    }

    private static (int Port, int NatT) FreePorts()
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (((IPEndPoint)a.LocalEndPoint!).Port, ((IPEndPoint)b.LocalEndPoint!).Port);
    }
}
