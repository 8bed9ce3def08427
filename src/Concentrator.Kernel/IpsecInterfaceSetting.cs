using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Concentrator.Kernel;

/// <summary>
/// The <c>ipsec-interface = no | yes | N</c> connection setting (libreswan's keyword, ipsec.conf(5)):
/// "no" = policy-based, no interface; "yes" = ipsec1 with if_id 1;
/// N in 1..4294967295 = ipsecN with if_id N.
/// <para>
/// "0" is accepted and means ipsec0 with if_id <see cref="IfIdForZero"/> (16384): the kernel refuses if_id 0
/// for an xfrm interface, and libreswan (kernel_ipsec_interface.h, map_if_id_zero) remaps ipsec0 to 16384
/// rather than rejecting it, so configurations moved from libreswan keep working. The price is that ipsec0
/// and ipsec16384 share an if_id; <see cref="ConflictsWith"/> reports that.
/// </para>
/// </summary>
public readonly record struct IpsecInterfaceSetting
{
    /// <summary>if_id used for ipsec0, as libreswan does.</summary>
    public const uint IfIdForZero = 16384;

    private IpsecInterfaceSetting(uint? number) => Number = number;

    /// <summary>ipsec-interface=no.</summary>
    public static IpsecInterfaceSetting None => default;

    /// <summary>N of ipsecN, null when disabled.</summary>
    public uint? Number { get; }

    public bool IsEnabled => Number.HasValue;

    /// <summary>if_id that states, policies and the interface carry; 0 when disabled.</summary>
    public uint IfId => Number switch { null => 0, 0 => IfIdForZero, { } n => n };

    /// <summary>"ipsecN", or null when disabled.</summary>
    public string? InterfaceName => Number is { } n ? "ipsec" + n.ToString(CultureInfo.InvariantCulture) : null;

    public static IpsecInterfaceSetting ForNumber(uint n) => new(n);

    public bool ConflictsWith(IpsecInterfaceSetting other) =>
        IsEnabled && other.IsEnabled && Number != other.Number && IfId == other.IfId;

    public static IpsecInterfaceSetting Parse(string value) =>
        TryParse(value, out var s, out var error) ? s : throw new FormatException(error);

    public static bool TryParse(string? value, out IpsecInterfaceSetting setting, [NotNullWhen(false)] out string? error)
    {
        setting = None;
        error = null;
        var v = value?.Trim() ?? "";
        if (v.Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (v.Equals("yes", StringComparison.OrdinalIgnoreCase))
        {
            setting = new IpsecInterfaceSetting(1);
            return true;
        }

        // Only plain decimal digits: "+1", " 1e3", "0x10" are operator typos, not numbers.
        if (v.Length > 0 && v.All(char.IsAsciiDigit)
            && uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            setting = new IpsecInterfaceSetting(n);
            return true;
        }

        error = $"ipsec-interface = '{value}': expected 'no', 'yes' or a number 0..4294967295 (N creates ipsecN with if_id N; 0 means ipsec0 with if_id {IfIdForZero})";
        return false;
    }

    public override string ToString() => Number is { } n ? n.ToString(CultureInfo.InvariantCulture) : "no";
}
