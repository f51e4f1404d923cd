using System.Diagnostics;
using System.Text.Json;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// The real `fleet run` command as a user runs it (the checkout's `./fleet`, which runs the ReadyToRun CLI it published
/// under artifacts/fleet), labels only, as a child process in a temp folder with a fresh Azurite under it: wall seconds
/// from process start to exit (start-up and shut-down included), its peak resident set (VmHWM, read until it exits)
/// and its own JSON summary.
/// </summary>
internal static class CliRun
{
    private static readonly string Script = Path.Combine(BenchPaths.RepositoryRoot, "fleet");

    private static readonly Lazy<Task> Published = new(PublishAsync);

    public const string Command = "./fleet run <folder> --out <tmp> --no-caption --json (fresh Azurite under a temp folder each run)";

    private static async Task PublishAsync()
    {
        using var process = Process.Start(new ProcessStartInfo(Script, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"./fleet --version exited {process.ExitCode}: {await errors}");
    }

    public static async Task<CliFigures> RunAsync(string folder, CancellationToken cancellationToken)
    {
        // The first call publishes the CLI if a source changed, outside any timing.
        await Published.Value;
        var work = Path.Combine(Path.GetTempPath(), $"fleet-bench-cli-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(work);
        try
        {
            // ./fleet ends in `exec dotnet`: the process timed and measured is the CLI itself.
            var start = new ProcessStartInfo(Script) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "run", folder, "--out", Path.Combine(work, "out"), "--no-caption", "--json" })
                start.ArgumentList.Add(arg);
            // The child runs in a temp folder: a relative mirror (../shared/models) must not resolve from there.
            foreach (var mirror in new[] { "FLEET_MODEL_MIRROR", "FLEET_DATA_MIRROR" })
            {
                if (Environment.GetEnvironmentVariable(mirror) is { Length: > 0 } path)
                    start.Environment[mirror] = Path.GetFullPath(path);
            }
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var peak = 0.0;
            while (!process.HasExited)
            {
                // VmHWM only grows; the last read before exit is the peak.
                var now = PeakMemory.Of(process.Id);
                if (!double.IsNaN(now))
                    peak = Math.Max(peak, now);
                await Task.Delay(50, cancellationToken);
            }
            await process.WaitForExitAsync(cancellationToken);
            var wall = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"fleet run exited {process.ExitCode}: {await errors}");
            using var summary = JsonDocument.Parse((await output).Trim().Split('\n')[^1]);
            var root = summary.RootElement;
            var images = root.GetProperty("succeeded").GetInt32();
            return new CliFigures(images, wall, peak, root.GetProperty("imagesPerSecond").GetDouble(),
                root.TryGetProperty("startupSeconds", out var startup) ? startup.GetDouble() : double.NaN);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder.
            }
        }
    }
}

/// <summary>One `fleet run`: images labeled, wall seconds of the whole process, peak MB, its own img/s and start-up seconds.</summary>
internal sealed record CliFigures(int Images, double WallSeconds, double PeakMb, double SummaryImagesPerSecond, double StartupSeconds)
{
    public double WholeProcessImagesPerSecond => Images / WallSeconds;
}
