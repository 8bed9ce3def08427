using System.Net;
using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>Reads what strongSwan's <c>swanctl --list-sas</c> prints, for scenarios with several connections.</summary>
internal static partial class SwanctlListing
{
    /// <summary>The virtual IP of the IKE SA of connection <paramref name="name"/> in <paramref name="sas"/>.</summary>
    public static IPAddress VipOf(string sas, string name)
    {
        var block = SaOf(sas, name);
        var match = VipPattern().Match(block);
        Assert.True(match.Success, "no virtual IP for " + name + " in:\n" + block);
        return IPAddress.Parse(match.Groups[1].Value);
    }

    /// <summary>The lines of the IKE SA of connection <paramref name="name"/> (its algorithms, its CHILD SAs).</summary>
    public static string SaOf(string sas, string name)
    {
        var start = sas.IndexOf(name + ": #", StringComparison.Ordinal);
        Assert.True(start >= 0, "no IKE SA for " + name + " in:\n" + sas);
        var next = SaHeadPattern().Match(sas, start + 1);
        return next.Success ? sas[start..next.Index] : sas[start..];
    }

    // "name: #3, ESTABLISHED, IKEv2, …": the head line of one IKE SA.
    [GeneratedRegex(@"^\S+: #\d+,", RegexOptions.Multiline)]
    private static partial Regex SaHeadPattern();

    // "local  'c01@e2e.test' @ 192.0.2.2[4500] [10.99.0.1]": the virtual IP in brackets.
    [GeneratedRegex(@"\[(\d+\.\d+\.\d+\.\d+)\]")]
    private static partial Regex VipPattern();
}
