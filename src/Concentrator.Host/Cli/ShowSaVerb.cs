using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator show-sa ID</c>: one IKE SA in full (SPIs, algorithms, NAT, CHILD SAs); the id is the
/// first column of list-sas.</summary>
internal static class ShowSaVerb
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "The IKE SA's id, as list-sas shows it (ike-…)." };
        return ManagementVerb.Create("show-sa", "Show one IKE SA in full.", [id],
            async (result, client, json, output, stop) =>
            {
                var path = "sas/" + Uri.EscapeDataString(result.GetValue(id)!);
                if (json)
                {
                    await output.WriteLineAsync(await client.GetRawAsync(path, stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var sa = await client.GetAsync(path, ManagementJson.Default.SaDetail, stop).ConfigureAwait(false);
                await output.WriteAsync(ManagementViews.Sa(sa, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            });
    }
}
