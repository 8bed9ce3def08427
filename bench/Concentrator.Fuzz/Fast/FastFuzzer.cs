using System.Buffers.Binary;
using System.Net;
using Concentrator.Fuzz.Corpus;
using Concentrator.Fuzz.Mutation;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Server.Network;

namespace Concentrator.Fuzz.Fast;

/// <summary>One input: its datagrams and, for each, the octets our initiator (or the harness with the SA's keys) sealed,
/// or null if it never was authentic. A datagram is authenticated iff its IKE message equals that original.</summary>
internal sealed record Input(List<byte[]> Datagrams, List<byte[]?> Originals, bool NatT, string Mutators);

/// <summary>
/// The in-process mode: mutated datagrams through <see cref="DatagramClassifier"/> into fresh, half-open and established
/// responder SAs. Counts exceptions escaping <see cref="IkeSa.Process"/> and every change an unauthenticated datagram
/// makes to a half-open or established SA (<see cref="SaSnapshot"/>); established SAs answer a real DPD every 256 inputs.
/// </summary>
internal sealed class FastFuzzer : IDisposable
{
    private const int ProbeEvery = 256;
    private static readonly IPEndPoint OtherAddress = new(IPAddress.Parse("198.51.100.99"), 4500);
    private readonly Random _random;
    private readonly List<ProfileCorpus> _corpora = [];
    private readonly List<Target> _halfOpen = [];
    private readonly List<Target> _established = [];
    private readonly List<Segment> _donors = [];
    private long _establishedInputs;

    public FastFuzzer(int seed)
    {
        _random = new Random(seed);
        foreach (Profile profile in Profile.All)
        {
            ProfileCorpus corpus = ProfileCorpus.Capture(profile);
            _corpora.Add(corpus);
            _halfOpen.Add(new Target(corpus, Phase.HalfOpen));
            _established.Add(new Target(corpus, Phase.Established));
            foreach (Template template in corpus.Established.Append(corpus.Auth))
            {
                _donors.AddRange(ChainMutator.Split(template.FirstInner, template.Plaintext) ?? []);
            }

            _donors.AddRange(ChainMutator.Split(corpus.InitRequest[16], corpus.InitRequest.AsSpan(28)) ?? []);
        }

        foreach (Target target in _halfOpen.Concat(_established))
        {
            target.Rebuild();
        }
    }

    public Findings Findings { get; } = new();

    public long Inputs { get; private set; }

    public long Datagrams { get; private set; }

    public long Authenticated { get; private set; }

    public Dictionary<string, long> Outcomes { get; } = [];

    public IEnumerable<ProfileCorpus> Corpora => _corpora;

    public long Rebuilds => _halfOpen.Concat(_established).Sum(t => t.Rebuilds);

    /// <summary>Stopwatch ticks spent per phase (rebuilds included), for the report.</summary>
    public long[] Ticks { get; } = new long[3];

    public void RunOne()
    {
        Inputs++;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        int roll = _random.Next(100);
        Phase phase;
        if (roll < 25)
        {
            phase = Phase.Fresh;
            Fresh(_corpora[_random.Next(_corpora.Count)]);
        }
        else if (roll < 45)
        {
            phase = Phase.HalfOpen;
            Protected(_halfOpen[_random.Next(_halfOpen.Count)]);
        }
        else
        {
            phase = Phase.Established;
            Target target = _established[_random.Next(_established.Count)];
            Protected(target);
            if (++_establishedInputs % ProbeEvery == 0)
            {
                Probe(target);
            }
        }

        Ticks[(int)phase] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
    }

    /// <summary>IKE_SA_INIT (or any captured request) mutated, to a new responder: only exceptions count here.</summary>
    private void Fresh(ProfileCorpus corpus)
    {
        byte[] datagram = (byte[])(_random.Next(100) < 85 ? corpus.InitRequest : corpus.Raw[_random.Next(corpus.Raw.Count)]).Clone();
        string mutators = MutateMessage(ref datagram);
        bool natT = _random.Next(4) == 0;
        using IkeSa sa = corpus.Profile.NewResponder();
        Deliver(sa, datagram, natT, corpus.Profile.ClientSeenInit, corpus.Profile.ServerInit, out _,
            new Repro(corpus.Profile.Name, Phase.Fresh, 0, [], datagram, natT, mutators, null));
    }

    private void Protected(Target target)
    {
        Input input = Generate(target);
        Profile profile = target.Corpus.Profile;
        // Mostly from the peer's address and port; sometimes from another port of its address (a port float, RFC 7296
        // §2.23) or from elsewhere: an unauthenticated datagram must not move the SA's endpoints either way.
        int from = _random.Next(8);
        IPEndPoint remote = from == 0 ? new IPEndPoint(profile.ClientSeen.Address, 61_000)
            : from == 1 ? OtherAddress
            : profile.ClientSeen;
        bool rebuild = false;
        for (int i = 0; i < input.Datagrams.Count && !rebuild; i++)
        {
            var repro = new Repro(profile.Name, target.Phase, target.NextId, input.Datagrams[..i], input.Datagrams[i],
                input.NatT, input.Mutators, null);
            IkeSaResult? result = Deliver(target.Sa, input.Datagrams[i], input.NatT, remote, profile.Server,
                out ReadOnlyMemory<byte> message, repro);
            if (result is null)
            {
                rebuild = message.Length > 0; // an exception: the SA is in an unknown state
                continue;
            }

            SaSnapshot after = SaSnapshot.Of(target.Sa);
            if (input.Originals[i] is { } original && message.Span.SequenceEqual(original))
            {
                Authenticated++;
                if (result.Outbound.Count > 0 && BinaryPrimitives.ReadUInt32BigEndian(result.Outbound[0].AsSpan(20)) == target.NextId)
                {
                    target.NextId++;
                }

                target.Baseline = after;
                rebuild = after.State != IkeSaState.Established || after.Rekeyed || after.ChildCount is 0 or > 4
                    || target.Phase == Phase.HalfOpen;
            }
            else if (after != target.Baseline)
            {
                Findings.Add("state", $"{target.Phase} {target.Baseline.Diff(after)}: {Findings.Cause(result.Detail)}",
                    repro with { Detail = result.Detail });
                rebuild = true;
            }
        }

        if (rebuild)
        {
            target.Rebuild();
        }
    }

    /// <summary>A real DPD at the window: an established SA that does not answer it was damaged by an earlier input.</summary>
    private void Probe(Target target)
    {
        Template dpd = target.Corpus.Established[0];
        byte[] datagram = Sealer.Seal(target.Head(dpd.Exchange), dpd.FirstInner, dpd.Plaintext, target.Sealing);
        IkeSaResult answer = target.Sa.Process(datagram, target.Corpus.Profile.ClientSeen, target.Corpus.Profile.Server);
        if (answer.Outbound.Count == 0)
        {
            Findings.Add("probe", $"DPD unanswered ({answer.Drop})",
                new Repro(target.Corpus.Profile.Name, Phase.Established, target.NextId, [], datagram, false, "probe", answer.Detail));
            target.Rebuild();
            return;
        }

        target.NextId++;
        target.Baseline = SaSnapshot.Of(target.Sa);
    }

    /// <summary>Classifier, then the SA. Null for a datagram the classifier drops or one that threw (counted);
    /// <paramref name="message"/> is the IKE message handed to the SA.</summary>
    private IkeSaResult? Deliver(IkeSa sa, byte[] datagram, bool natT, IPEndPoint remote, IPEndPoint local,
        out ReadOnlyMemory<byte> message, Repro repro)
    {
        Datagrams++;
        message = default;
        byte[] wire = datagram;
        if (natT)
        {
            wire = new byte[datagram.Length + 4];
            datagram.CopyTo(wire, 4);
            if (_random.Next(50) == 0)
            {
                wire[_random.Next(4)] = (byte)_random.Next(1, 256);
            }
        }

        DatagramKind kind = DatagramClassifier.Classify(wire, natT, out _, out Range range);
        if (kind != DatagramKind.Ike)
        {
            Count($"classifier {kind}");
            return null;
        }

        message = wire.AsMemory()[range];
        try
        {
            IkeSaResult result = sa.Process(message, remote, local);
            Count(result.IsDropped ? $"drop {result.Drop}" : result.Outbound.Count > 0 ? "answered" : "absorbed");
            return result;
        }
#pragma warning disable CA1031 // the harness's purpose: any exception is a finding
        catch (Exception e)
#pragma warning restore CA1031
        {
            string frame = e.StackTrace?.Split('\n')[0].Trim() ?? "";
            Findings.Add("exception", $"{e.GetType().Name} {Findings.Cause(e.Message)} {frame}", repro with { Detail = e.Message });
            return null;
        }
    }

    private void Count(string outcome) => Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;

    /// <summary>
    /// An input for a half-open or established SA: a template (its IKE_AUTH, or DPD/rekeys/Deletes) sealed with the SA's
    /// real keys at its window, SK or SKF, and then one of: octets mutated after sealing (unauthenticated), the inner
    /// chain mutated before sealing (authenticated: reaches the inner parsers and tasks), header fields edited before
    /// sealing, or a captured request mutated.
    /// </summary>
    private Input Generate(Target target)
    {
        ProfileCorpus corpus = target.Corpus;
        int kind = _random.Next(100);
        if (kind >= 85)
        {
            byte[] original = corpus.Raw[_random.Next(corpus.Raw.Count)];
            byte[] mutated = (byte[])original.Clone();
            string name = _random.Next(5) == 0 ? "replay" : MutateMessage(ref mutated);
            return new Input([mutated], [original], corpus.Profile.BehindNat, $"captured+{name}");
        }

        Template template = target.Phase == Phase.HalfOpen || _random.Next(10) == 0
            ? corpus.Auth
            : corpus.Established[_random.Next(corpus.Established.Count)];
        byte first = template.FirstInner;
        byte[] plaintext = template.Plaintext;
        MessageHead head = target.Head(template.Exchange);
        string mutators = template.Name;
        if (kind >= 40 && kind < 75)
        {
            plaintext = (byte[])plaintext.Clone();
            mutators += "+plain-" + MutatePlaintext(ref first, ref plaintext);
        }
        else if (kind >= 75)
        {
            (head, string edit) = MutateHead(head);
            mutators += "+head-" + edit;
        }

        List<byte[]> datagrams = _random.Next(3) == 0
            ? Sealer.SealFragments(head, first, plaintext, target.Sealing, _random.Next(1, 5))
            : [Sealer.Seal(head, first, plaintext, target.Sealing)];
        var originals = new List<byte[]?>(datagrams);
        if (kind < 40)
        {
            int victim = _random.Next(datagrams.Count);
            byte[] mutated = (byte[])datagrams[victim].Clone();
            mutators += "+sealed-" + MutateMessage(ref mutated);
            datagrams[victim] = mutated;
            if (_random.Next(4) == 0)
            {
                datagrams.Reverse();
                originals.Reverse();
            }
        }

        return new Input(datagrams, originals, corpus.Profile.BehindNat, mutators);
    }

    private string MutateMessage(ref byte[] datagram)
    {
        if (_random.Next(4) == 0 && datagram.Length > 32 && datagram[16] is not (Sealer.Sk or Sealer.Skf))
        {
            // An unprotected message's own chain (IKE_SA_INIT): payload-level edits, length patched.
            byte first = datagram[16];
            byte[] chain = datagram[28..];
            string name = ChainMutator.Apply(_random, ref first, ref chain, _donors);
            byte[] head = datagram[..28];
            head[16] = first;
            BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(24), (uint)(28 + chain.Length));
            datagram = [.. head, .. chain];
            return name;
        }

        return Stack(ref datagram, 28);
    }

    private string MutatePlaintext(ref byte first, ref byte[] plaintext)
    {
        if (_random.Next(2) == 0)
        {
            string name = ChainMutator.Apply(_random, ref first, ref plaintext, _donors);
            return _random.Next(3) == 0 ? name + "+" + Stack(ref plaintext, 0) : name;
        }

        if (_random.Next(8) == 0)
        {
            first = (byte)_random.Next(256);
            return "first-type";
        }

        return Stack(ref plaintext, 0);
    }

    /// <summary>One to three byte mutations, the names joined.</summary>
    private string Stack(ref byte[] data, int chainStart)
    {
        string names = ByteMutator.Apply(_random, ref data, chainStart);
        for (int n = _random.Next(4); n > 1; n--)
        {
            names += "+" + ByteMutator.Apply(_random, ref data, chainStart);
        }

        return names;
    }

    private (MessageHead, string) MutateHead(MessageHead head) => _random.Next(7) switch
    {
        0 => (head with { SpiR = (ulong)_random.NextInt64() }, "spi-r"),
        1 => (head with { SpiI = (ulong)_random.NextInt64() }, "spi-i"),
        2 => (head with { SpiR = 0 }, "spi-r-zero"),
        3 => (head with { MessageId = head.MessageId + (uint)_random.Next(1, 3) }, "message-id-ahead"),
        4 => (head with { MessageId = head.MessageId - (uint)_random.Next(1, 3) }, "message-id-behind"),
        5 => (head with { Exchange = (ExchangeType)_random.Next(33, 38) }, "exchange"),
        _ => (head with { Flags = (IkeHeaderFlags)_random.Next(256) }, "flags"),
    };

    public void Dispose()
    {
        foreach (Target target in _halfOpen.Concat(_established))
        {
            target.Dispose();
        }
    }
}
