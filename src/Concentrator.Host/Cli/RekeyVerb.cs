using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator rekey ID [--ike]</c>: the gateway rekeys the IKE SA's CHILD SAs now (CREATE_CHILD_SA with
/// REKEY_SA, the old pair deleted once the new one is in), or with <c>--ike</c> the IKE SA itself (CREATE_CHILD_SA
/// with SA, Ni, KEi; the CHILD SAs move to the new IKE SA and the old one is deleted), as swanctl's
/// <c>--rekey --child</c> and <c>--rekey --ike</c>.</summary>
internal static class RekeyVerb
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "The IKE SA's id, as list-sas shows it (ike-…)." };
        var ike = new Option<bool>("--ike") { Description = "Rekey the IKE SA itself instead of its CHILD SAs." };
        return ManagementVerb.Create("rekey", "Rekey an IKE SA's CHILD SAs, or with --ike the IKE SA, now (initiated by the gateway).", [id, ike],
            async (result, client, json, output, stop) =>
            {
                var path = "sas/" + Uri.EscapeDataString(result.GetValue(id)!) + "/rekey" + (result.GetValue(ike) ? "?ike=true" : "");
                if (json)
                {
                    await output.WriteLineAsync(await client.PostRawAsync(path, stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var rekeyed = await client.PostAsync(path, ManagementJson.Default.SaRekeyed, stop).ConfigureAwait(false);
                await output.WriteLineAsync(rekeyed.IkeSa || result.GetValue(ike)
                    ? $"{rekeyed.Id}: {rekeyed.Note}"
                    : $"{rekeyed.Id}: {rekeyed.ChildSas} CHILD SA rekey(s) started ({rekeyed.Note})").ConfigureAwait(false);
            });
    }
}
