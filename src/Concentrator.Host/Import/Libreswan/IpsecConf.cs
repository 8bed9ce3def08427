namespace Concentrator.Host.Import.Libreswan;

/// <summary>One <c>key=value</c> line of an ipsec.conf section, with where it was written.</summary>
internal sealed record ConfSetting(string Key, string Value, string File, int Line);

/// <summary>A <c>conn NAME</c> section of ipsec.conf as written (before <c>also=</c> and <c>%default</c> are applied).</summary>
internal sealed class ConnSection(string name, string file, int line)
{
    public string Name { get; } = name;
    public string File { get; } = file;
    public int Line { get; } = line;
    public List<ConfSetting> Settings { get; } = [];
}

/// <summary>Something the import could not carry over, or had to change, with where the operator wrote it.</summary>
internal sealed record ImportWarning(string File, int Line, string? Conn, string? Key, string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        var conn = Conn is null ? "" : $" conn {Conn}:";
        var key = Key is null ? "" : $" {Key}:";
        return $"{where}:{conn}{key} {Message}";
    }
}

/// <summary>A parsed ipsec.conf (with its includes): <c>config setup</c> and the <c>conn</c> sections in file order.</summary>
internal sealed record IpsecConf(IReadOnlyList<ConfSetting> Setup, IReadOnlyList<ConnSection> Conns, IReadOnlyList<ImportWarning> Warnings);
