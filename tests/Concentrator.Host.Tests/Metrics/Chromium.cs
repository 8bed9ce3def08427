using System.Diagnostics;

namespace Concentrator.Host.Tests.Metrics;

/// <summary>Headless Chromium (Debian's <c>chromium</c>, installed by scripts/install-test-deps.sh): the DOM of a page
/// after it was loaded and rendered, and a screenshot of it. A profile of its own per run, no sandbox (we are root).</summary>
internal static class Chromium
{
    public static Task<string> DumpDomAsync(Uri url) => RunAsync(["--dump-dom", url.ToString()]);

    /// <summary>Renders <paramref name="url"/> into the PNG <paramref name="path"/>.</summary>
    public static async Task ScreenshotAsync(Uri url, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        await RunAsync([$"--screenshot={path}", "--window-size=1280,1000", "--hide-scrollbars", url.ToString()]);
    }

    private static async Task<string> RunAsync(IReadOnlyList<string> args)
    {
        using var profile = new TempDir();
        var info = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile.Path}"])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await error}");
        return await output;
    }
}
