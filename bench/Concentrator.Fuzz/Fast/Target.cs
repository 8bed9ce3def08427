using Concentrator.Fuzz.Corpus;
using Concentrator.Ike.Crypto;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;

namespace Concentrator.Fuzz.Fast;

internal enum Phase
{
    /// <summary>A new responder for every input: it gets the IKE_SA_INIT request first.</summary>
    Fresh,

    /// <summary>After IKE_SA_INIT, waiting for IKE_AUTH.</summary>
    HalfOpen,

    /// <summary>After IKE_AUTH: one CHILD SA, one virtual IP.</summary>
    Established,
}

/// <summary>
/// A half-open or established responder SA of one profile, rebuilt on demand by replaying the captured requests into a
/// fresh deterministic responder (same SPIs, same keys), with the initiator-side cipher that seals inputs for it.
/// </summary>
internal sealed class Target(ProfileCorpus corpus, Phase phase) : IDisposable
{
    private SkCipherPair? _keys;

    public ProfileCorpus Corpus { get; } = corpus;

    public Phase Phase { get; } = phase;

    public IkeSa Sa { get; private set; } = null!;

    /// <summary>Seals as the initiator does (SK_ei/SK_ai): what the responder's integrity check accepts.</summary>
    public ISkCipher Sealing => _keys!.Outbound;

    /// <summary>The Message ID of the next request the SA expects.</summary>
    public uint NextId { get; set; }

    public SaSnapshot Baseline { get; set; }

    public long Rebuilds { get; private set; }

    public MessageHead Head(ExchangeType exchange) =>
        new(Sa.InitiatorSpi, Sa.ResponderSpi, exchange, IkeHeaderFlags.Initiator, NextId);

    public void Rebuild()
    {
        Rebuilds++;
        Sa?.Dispose();
        _keys?.Dispose();
        Profile profile = Corpus.Profile;
        Sa = profile.NewResponder();
        Sa.Process(Corpus.InitRequest, profile.ClientSeenInit, profile.ServerInit);
        if (Phase == Phase.Established)
        {
            foreach (byte[] datagram in Corpus.AuthRequests)
            {
                Sa.Process(datagram, profile.ClientSeen, profile.Server);
            }
        }

        IkeSaState expected = Phase == Phase.Established ? IkeSaState.Established : IkeSaState.Connecting;
        if (Sa.State != expected)
        {
            throw new InvalidOperationException($"replay of {profile.Name} gave {Sa.State}, not {expected}");
        }

        _keys = Sa.Keymat!.CreateSkCiphers(isInitiator: true, new FixedRandom(17));
        NextId = Phase == Phase.Established ? 2u : 1u;
        Baseline = SaSnapshot.Of(Sa);
    }

    public void Dispose()
    {
        Sa?.Dispose();
        _keys?.Dispose();
    }
}
