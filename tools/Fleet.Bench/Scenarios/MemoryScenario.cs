using System.Diagnostics;
using System.Text.Json;
using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `memory`: the real `fleet run` command (src/Fleet.Cli's Release build, labels only) as a child process over N
/// photos, its peak resident set (VmHWM, read until it exits), and its own summary (whole run including startup).
/// </summary>
internal static class MemoryScenario
{
    public static async Task<object> RunAsync(int runs, int[] sizes, CancellationToken cancellationToken)
    {
        var cli = Path.Combine(BenchPaths.RepositoryRoot, "src", "Fleet.Cli", "bin", "Release", "net10.0", "fleet.dll");
        if (!File.Exists(cli))
            throw new FileNotFoundException("Build the CLI first: dotnet build src/Fleet.Cli -c Release", cli);

        var rows = new List<object>();
        var medians = new Dictionary<int, double>();
        foreach (var size in sizes)
        {
            using var photos = PhotoSet.Create(size);
            var peaks = new List<double>();
            var rates = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var (peak, rate) = await RunCliAsync(cli, photos.Folder, cancellationToken);
                peaks.Add(peak);
                rates.Add(rate);
                JsonLine.Progress($"fleet run over {size} images: peak {peak} MB, {rate:F1} img/s including startup");
            }
            medians[size] = Spread.Of(peaks).Median;
            rows.Add(new { images = size, peakWorkingSetMb = Spread.Of(peaks), imagesPerSecondIncludingStartup = Spread.Of(rates) });
        }

        return new
        {
            scenario = "memory",
            runs,
            command = "fleet run <folder> --out <tmp> --no-caption --json (fresh Azurite under a temp folder each run)",
            sizes = rows,
            largestOverSmallest = sizes.Length > 1 ? Math.Round(medians[sizes.Max()] / medians[sizes.Min()], 3) : (double?)null,
            note = "peak resident set of the fleet process only; Azurite is a separate node process",
        };
    }

    private static async Task<(double PeakMb, double ImagesPerSecond)> RunCliAsync(string cli, string folder, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"fleet-bench-mem-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(work);
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { cli, "run", folder, "--out", Path.Combine(work, "out"), "--no-caption", "--json" })
                start.ArgumentList.Add(arg);
            // The child runs in a temp folder: a relative mirror (../shared/models) must not resolve from there.
            foreach (var mirror in new[] { "FLEET_MODEL_MIRROR", "FLEET_DATA_MIRROR" })
            {
                if (Environment.GetEnvironmentVariable(mirror) is { Length: > 0 } path)
                    start.Environment[mirror] = Path.GetFullPath(path);
            }
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
                await Task.Delay(100, cancellationToken);
            }
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"fleet run exited {process.ExitCode}: {await errors}");
            using var summary = JsonDocument.Parse((await output).Trim().Split('\n')[^1]);
            return (peak, summary.RootElement.GetProperty("imagesPerSecond").GetDouble());
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
