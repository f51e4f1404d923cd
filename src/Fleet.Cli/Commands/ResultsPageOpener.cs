using System.Diagnostics;
using Fleet.Cli.Remote;

namespace Fleet.Cli.Commands;

/// <summary>
/// `fleet results JOB --open`: asks the API for a signed link to the job's results page and prints it. A browser cannot
/// send X-Api-Key, so the link (short-lived, for this one job) is how it signs in. The link is also opened with
/// xdg-open where there is one and this is not CI, so a desktop user lands on the page and a script still gets the URL.
/// </summary>
public static class ResultsPageOpener
{
    public static async Task<int> OpenAsync(FleetApiClient client, string job, CancellationToken cancellationToken)
    {
        var (link, expires) = await client.PageLinkAsync(job, cancellationToken);
        Console.WriteLine(link);
        Console.Error.WriteLine($"the link works until {expires.ToLocalTime():yyyy-MM-dd HH:mm} and opens only {job}'s results; do not share it");
        if (XdgOpen() is { } xdgOpen)
        {
            try
            {
                using var browser = Process.Start(new ProcessStartInfo(xdgOpen, [link.ToString()]) { UseShellExecute = false, RedirectStandardError = true });
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Console.Error.WriteLine($"could not open a browser ({e.Message}): open the link above");
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>xdg-open on PATH, unless this runs in CI (CI=true) or without a display, where nothing could show a page.</summary>
    private static string? XdgOpen()
    {
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false")
            return null;
        if (Environment.GetEnvironmentVariable("DISPLAY") is not { Length: > 0 } && Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is not { Length: > 0 })
            return null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "xdg-open"))
            .FirstOrDefault(File.Exists);
    }
}
