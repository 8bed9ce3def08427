using System.Diagnostics;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Userspace;

/// <summary>Where ESP is processed: the <c>concentrator.dataplane</c> setting (parsed by the server's settings, the one
/// type for it in every layer).</summary>
public enum DataplaneMode
{
    /// <summary>Probe the kernel: xfrm interfaces and ESP states if it has them, else userspace.</summary>
    Auto,

    /// <summary>XFRM interfaces and ESP in the kernel (netlink).</summary>
    Kernel,

    /// <summary>TUN devices and ESP in this process.</summary>
    Userspace,
}

/// <summary>The outcome of <see cref="DataplaneProbe"/>: what to use and why, in one line for the log.</summary>
public sealed record DataplaneChoice(DataplaneMode Mode, string Reason);

/// <summary>
/// Decides <c>concentrator.dataplane = auto</c>: the kernel path needs both an xfrm interface
/// (RTM_NEWLINK kind xfrm) and an ESP state with an AEAD (XFRM_MSG_NEWSA, rfc4106(gcm(aes))).
/// Both are tried through <see cref="NetlinkKernelIpsec"/> in a scratch network namespace (us-probe-*,
/// made and deleted with iproute2), so the probe leaves nothing behind in the real one.
/// </summary>
public static class DataplaneProbe
{
    public static DataplaneChoice Decide(DataplaneMode setting) => DecideAsync(setting).AsTask().GetAwaiter().GetResult();

    public static async ValueTask<DataplaneChoice> DecideAsync(DataplaneMode setting, CancellationToken cancellationToken = default)
    {
        if (setting != DataplaneMode.Auto)
        {
            return new DataplaneChoice(setting, $"dataplane = {setting.ToString().ToLowerInvariant()} (configured)");
        }

        var ns = "us-probe-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Run("ip", "netns", "add", ns) is { } nsError)
        {
            return new DataplaneChoice(DataplaneMode.Userspace, $"cannot create a scratch network namespace to probe the kernel ({nsError}); using userspace ESP");
        }

        try
        {
            await using var kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = "/var/run/netns/" + ns, ListenForEvents = false });
            try
            {
                // ifindex 1 is the fresh namespace's loopback, a valid underlying device.
                await kernel.CreateInterfaceAsync(new InterfaceRequest("ipsec9", 9, 1), cancellationToken).ConfigureAwait(false);
            }
            catch (KernelException e)
            {
                return new DataplaneChoice(DataplaneMode.Userspace, $"kernel has no xfrm interfaces (RTM_NEWLINK kind xfrm: {KernelException.Describe(e.Errno, e.ExtAck)}); using TUN + userspace ESP");
            }

            try
            {
                var key = new byte[20];
                await kernel.AddSaAsync(new SaRequest(System.Net.IPAddress.Parse("192.0.2.1"), System.Net.IPAddress.Parse("192.0.2.2"), 0x100, 1)
                {
                    Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128),
                    IfId = 9,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (KernelException e)
            {
                return new DataplaneChoice(DataplaneMode.Userspace, $"kernel refuses ESP states (XFRM_MSG_NEWSA rfc4106(gcm(aes)): {KernelException.Describe(e.Errno, e.ExtAck)}); using TUN + userspace ESP");
            }

            return new DataplaneChoice(DataplaneMode.Kernel, "kernel has xfrm interfaces and ESP (rfc4106(gcm(aes))); using the kernel dataplane");
        }
        catch (IOException e)
        {
            return new DataplaneChoice(DataplaneMode.Userspace, $"cannot talk netlink to the kernel ({e.Message}); using TUN + userspace ESP");
        }
        finally
        {
            _ = Run("ip", "netns", "del", ns);
        }
    }

    /// <summary>Runs a command; null on success, else its error text (first line).</summary>
    private static string? Run(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : (stderr.Result.Split('\n')[0].Trim() is { Length: > 0 } line ? line : $"exit {p.ExitCode}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{file}: {e.Message}";
        }
    }
}
