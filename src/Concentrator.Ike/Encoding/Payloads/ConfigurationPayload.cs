namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Configuration payload (RFC 7296 §3.15).</summary>
public sealed class ConfigurationPayload : Payload
{
    public ConfigurationPayload(ConfigType configType, params ConfigAttribute[] attributes)
    {
        ConfigType = configType;
        Attributes.AddRange(attributes);
    }

    public override PayloadType Type => PayloadType.Configuration;

    public ConfigType ConfigType { get; set; }

    public List<ConfigAttribute> Attributes { get; } = new(4);

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C| RESERVED    |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |   CFG Type    |                    RESERVED                   |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                   Configuration Attributes                    ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static ConfigurationPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var payload = new ConfigurationPayload((ConfigType)reader.ReadByte());
        reader.Skip(3); // RESERVED
        while (reader.Remaining > 0)
        {
            if (payload.Attributes.Count == CodecLimits.MaxConfigAttributes)
            {
                ThrowHelper.ThrowInvalidSyntax($"more than {CodecLimits.MaxConfigAttributes} configuration attributes");
            }

            payload.Attributes.Add(ConfigAttribute.Parse(ref reader));
        }

        reader.ReadEnd();
        return payload;
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)ConfigType);
        writer.WriteZeros(3);
        foreach (ConfigAttribute attribute in Attributes)
        {
            attribute.Write(ref writer);
        }
    }
}
