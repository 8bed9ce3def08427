using System.Text.Json;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>One IKE message of a capture: the UDP payload (non-ESP marker already stripped) and what the capture
/// script recorded about it in keys.json.</summary>
internal sealed record CapturedMessage(
    string File,
    byte[] Bytes,
    string Exchange,
    bool IsResponse,
    bool FromInitiator,
    uint MessageId,
    int SourcePort,
    int DestinationPort,
    bool NonEspMarkerStripped,
    string? StrongSwanPayloads);

/// <summary>The ESP keys charon derived for one CHILD SA (its "seed" is Ni | Nr of the creating exchange);
/// integrity keys are empty for AEAD.</summary>
internal sealed record CapturedChildKeys(byte[] Seed, byte[] EncryptionI, byte[] EncryptionR, byte[] IntegrityI, byte[] IntegrityR);

/// <summary>
/// A strongSwan capture under TestData/strongswan/&lt;scenario&gt;/ written by scripts/capture-strongswan.sh:
/// the messages of one IKE SA in wire order (NN-exchange-request|response.hex) and keys.json with both daemons'
/// logged key material. Octet strings are kept as logged; an AEAD scenario has empty SK_ai/SK_ar.
/// </summary>
internal sealed class StrongSwanScenario
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "TestData", "strongswan");

    private StrongSwanScenario(string name, JsonElement keys, List<CapturedMessage> messages)
    {
        Name = name;
        IkeProposal = keys.GetProperty("ikeProposal").GetString()!;
        DhGroup = (ushort)keys.GetProperty("dhGroup").GetInt32();
        SpiI = Hex(keys, "spiI");
        SpiR = Hex(keys, "spiR");
        NonceI = Hex(keys, "nonceI");
        NonceR = Hex(keys, "nonceR");
        KeI = Hex(keys, "keI");
        KeR = Hex(keys, "keR");
        SharedSecret = Hex(keys, "sharedSecret");
        Skeyseed = Hex(keys, "skeyseed");
        SkD = Hex(keys, "skD");
        SkAi = Hex(keys, "skAi");
        SkAr = Hex(keys, "skAr");
        SkEi = Hex(keys, "skEi");
        SkEr = Hex(keys, "skEr");
        SkPi = Hex(keys, "skPi");
        SkPr = Hex(keys, "skPr");
        Psk = Hex(keys, "psk");
        IdI = keys.GetProperty("idI").GetProperty("value").GetString()!;
        IdR = keys.GetProperty("idR").GetProperty("value").GetString()!;
        Messages = messages;
        ChildSas = keys.GetProperty("childSas").EnumerateArray()
            .Select(c => new CapturedChildKeys(Hex(c, "seed"), Hex(c, "encrI"), Hex(c, "encrR"), Hex(c, "integI"), Hex(c, "integR")))
            .ToArray();
    }

    public string Name { get; }

    public string IkeProposal { get; }

    public ushort DhGroup { get; }

    public byte[] SpiI { get; }

    public byte[] SpiR { get; }

    public byte[] NonceI { get; }

    public byte[] NonceR { get; }

    public byte[] KeI { get; }

    public byte[] KeR { get; }

    /// <summary>g^ir as charon logged it ("shared Diffie Hellman secret").</summary>
    public byte[] SharedSecret { get; }

    public byte[] Skeyseed { get; }

    public byte[] SkD { get; }

    public byte[] SkAi { get; }

    public byte[] SkAr { get; }

    public byte[] SkEi { get; }

    public byte[] SkEr { get; }

    public byte[] SkPi { get; }

    public byte[] SkPr { get; }

    public byte[] Psk { get; }

    public string IdI { get; }

    public string IdR { get; }

    public IReadOnlyList<CapturedMessage> Messages { get; }

    /// <summary>In creation order: the CHILD SA of IKE_AUTH, then the one of the CREATE_CHILD_SA rekey.</summary>
    public IReadOnlyList<CapturedChildKeys> ChildSas { get; }

    public CapturedMessage InitRequest => Messages.First(m => m.Exchange == "ike_sa_init" && !m.IsResponse);

    public CapturedMessage InitResponse => Messages.First(m => m.Exchange == "ike_sa_init" && m.IsResponse);

    public CapturedMessage AuthRequest => Messages.First(m => m.Exchange == "ike_auth" && !m.IsResponse);

    public CapturedMessage AuthResponse => Messages.First(m => m.Exchange == "ike_auth" && m.IsResponse);

    public CapturedMessage RekeyRequest => Messages.First(m => m.Exchange == "create_child_sa" && !m.IsResponse);

    public CapturedMessage RekeyResponse => Messages.First(m => m.Exchange == "create_child_sa" && m.IsResponse);

    /// <summary>Every message after IKE_SA_INIT: these carry an SK payload.</summary>
    public IEnumerable<CapturedMessage> EncryptedMessages => Messages.Where(m => m.Exchange != "ike_sa_init");

    public CapturedMessage Message(string file) => Messages.Single(m => m.File == file);

    /// <summary>The scenario folders present in the test output (empty when the corpus is missing, which makes
    /// every theory below fail with "no data").</summary>
    public static IReadOnlyList<string> Names() =>
        Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Where(d => File.Exists(Path.Combine(d, "keys.json")))
                .Select(d => Path.GetFileName(d))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

    public static TheoryData<string> ScenarioData()
    {
        var data = new TheoryData<string>();
        foreach (string name in Names())
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>(scenario, file) for every captured message, or only the encrypted ones.</summary>
    public static TheoryData<string, string> MessageData(bool encryptedOnly)
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Names())
        {
            StrongSwanScenario scenario = Load(name);
            foreach (CapturedMessage message in encryptedOnly ? scenario.EncryptedMessages : scenario.Messages)
            {
                data.Add(name, message.File);
            }
        }

        return data;
    }

    public static StrongSwanScenario Load(string name)
    {
        string dir = Path.Combine(Root, name);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "keys.json")));
        JsonElement keys = document.RootElement.Clone();
        var messages = new List<CapturedMessage>();
        foreach (JsonElement m in keys.GetProperty("messages").EnumerateArray())
        {
            string file = m.GetProperty("file").GetString()!;
            byte[] bytes = Convert.FromHexString(File.ReadAllText(Path.Combine(dir, file)).Trim());
            JsonElement summary = m.GetProperty("strongswanPayloads");
            messages.Add(new CapturedMessage(
                file,
                bytes,
                m.GetProperty("exchange").GetString()!,
                m.GetProperty("response").GetBoolean(),
                m.GetProperty("fromInitiator").GetBoolean(),
                m.GetProperty("messageId").GetUInt32(),
                m.GetProperty("srcPort").GetInt32(),
                m.GetProperty("dstPort").GetInt32(),
                m.GetProperty("nonEspMarkerStripped").GetBoolean(),
                summary.ValueKind == JsonValueKind.String ? summary.GetString() : null));
        }

        return new StrongSwanScenario(name, keys, messages);
    }

    private static byte[] Hex(JsonElement keys, string name) => Convert.FromHexString(keys.GetProperty(name).GetString()!);
}
