using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;

namespace Concentrator.Fuzz.Corpus;

/// <summary>An inner payload chain of a protected request, sealed again by the harness under a target SA's keys.</summary>
internal sealed record Template(string Name, ExchangeType Exchange, byte FirstInner, byte[] Plaintext);

/// <summary>
/// What one real exchange between our initiator and a <see cref="Profile"/> responder sent: the IKE_SA_INIT request and
/// the IKE_AUTH request (fragments too) as they went on the wire, and the plaintext of every protected request
/// (IKE_AUTH, DPD, CHILD SA rekey, CHILD SA Delete, IKE SA rekey, IKE SA Delete).
/// </summary>
internal sealed class ProfileCorpus
{
    private ProfileCorpus(Profile profile) => Profile = profile;

    public Profile Profile { get; }

    public byte[] InitRequest { get; private set; } = [];

    public List<byte[]> AuthRequests { get; } = [];

    public Template Auth { get; private set; } = null!;

    /// <summary>The requests an established SA answers.</summary>
    public List<Template> Established { get; } = [];

    /// <summary>Every request datagram as captured (IKE_SA_INIT, IKE_AUTH, …), for inputs aimed at the wrong SA.</summary>
    public List<byte[]> Raw { get; } = [];

    public static ProfileCorpus Capture(Profile profile)
    {
        var corpus = new ProfileCorpus(profile);
        var services = new IkeSaServices { Time = FrozenTime.Instance, Random = new FixedRandom(1) };
        using IkeSa initiator = IkeSa.CreateInitiator(profile.InitiatorConfig, services, profile.ClientOwn, profile.ServerInit);
        IkeSa responder = profile.NewResponder();

        IkeSaResult step = initiator.Initiate();
        corpus.InitRequest = step.Outbound[0];
        corpus.Raw.Add(corpus.InitRequest);
        IkeSaResult answer = responder.Process(corpus.InitRequest, profile.ClientSeenInit, profile.ServerInit);
        step = initiator.Process(answer.Outbound[0], profile.ServerInit, profile.ClientOwn);

        corpus.AuthRequests.AddRange(step.Outbound);
        corpus.Auth = corpus.Relay("ike-auth", initiator, responder, step, out _);
        if (responder.State != IkeSaState.Established || initiator.ChildSas.Count == 0)
        {
            throw new InvalidOperationException($"profile {profile.Name}: capture did not establish ({responder.State})");
        }

        corpus.Established.Add(corpus.Relay("dpd", initiator, responder, initiator.InitiateDpd(), out _));
        ChildSa first = initiator.ChildSas[0];
        corpus.Established.Add(corpus.Relay("child-rekey", initiator, responder, initiator.InitiateChildRekey(first), out _));
        corpus.Established.Add(corpus.Relay("child-delete", initiator, responder, initiator.InitiateChildDelete(first), out _));
        corpus.Established.Add(corpus.Relay("ike-rekey", initiator, responder, initiator.InitiateRekey(), out IkeSa? successor));
        corpus.Established.Add(corpus.Relay("ike-delete", initiator, responder, initiator.InitiateDelete(), out _));
        successor?.Dispose();
        responder.Dispose();
        return corpus;
    }

    /// <summary>Sends the initiator's request to the responder and the answer back; returns the request's plaintext
    /// (opened with the responder's keys, fragments joined).</summary>
    private Template Relay(string name, IkeSa initiator, IkeSa responder, IkeSaResult request, out IkeSa? rekeyed)
    {
        rekeyed = null;
        using var keys = responder.Keymat!.CreateSkCiphers(isInitiator: false);
        byte first = 0;
        var plaintext = new List<byte>();
        ExchangeType exchange = IkeHeader.Read(request.Outbound[0]).ExchangeType;
        IkeSaResult answer = IkeSaResult.Nothing;
        foreach (byte[] datagram in request.Outbound)
        {
            Raw.Add(datagram);
            (byte FirstInner, byte[] Plaintext) opened = Sealer.Open(datagram, keys.Inbound)
                ?? throw new InvalidOperationException($"{name}: our own request does not open");
            first = plaintext.Count == 0 ? opened.FirstInner : first;
            plaintext.AddRange(opened.Plaintext);
            answer = responder.Process(datagram, Profile.ClientSeen, Profile.Server);
            rekeyed ??= answer.Rekeyed;
        }

        foreach (byte[] response in answer.Outbound)
        {
            initiator.Process(response, Profile.Server, Profile.ClientOwn);
        }

        return new Template(name, exchange, first, [.. plaintext]);
    }
}
