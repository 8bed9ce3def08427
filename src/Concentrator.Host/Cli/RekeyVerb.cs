using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator rekey ID</c>: the gateway rekeys the IKE SA's CHILD SAs now (CREATE_CHILD_SA with
/// REKEY_SA, the old pair deleted once the new one is in). The IKE SA itself is not rekeyed: the gateway does not
/// initiate IKE SA rekeys, and the answer says so.</summary>
internal static class RekeyVerb
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "The IKE SA's id, as list-sas shows it (ike-…)." };
        return ManagementVerb.Create("rekey", "Rekey an IKE SA's CHILD SAs now (initiated by the gateway).", [id],
            async (result, client, json, output, stop) =>
            {
                var path = "sas/" + Uri.EscapeDataString(result.GetValue(id)!) + "/rekey";
                if (json)
                {
                    await output.WriteLineAsync(await client.PostRawAsync(path, stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var rekeyed = await client.PostAsync(path, ManagementJson.Default.SaRekeyed, stop).ConfigureAwait(false);
                await output.WriteLineAsync($"{rekeyed.Id}: {rekeyed.ChildSas} CHILD SA rekey(s) started ({rekeyed.Note})").ConfigureAwait(false);
            });
    }
}
