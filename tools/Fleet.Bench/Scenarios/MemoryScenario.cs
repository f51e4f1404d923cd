using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `memory`: the real `fleet run` command (`./fleet`, labels only) as a child process over N
/// photos, its peak resident set (VmHWM, read until it exits), and its own summary (whole run including startup).
/// </summary>
internal static class MemoryScenario
{
    public static async Task<object> RunAsync(int runs, int[] sizes, CancellationToken cancellationToken)
    {
        var rows = new List<object>();
        var medians = new Dictionary<int, double>();
        foreach (var size in sizes)
        {
            using var photos = PhotoSet.Create(size);
            var peaks = new List<double>();
            var rates = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var run1 = await CliRun.RunAsync(photos.Folder, cancellationToken);
                peaks.Add(run1.PeakMb);
                rates.Add(run1.WholeProcessImagesPerSecond);
                JsonLine.Progress($"fleet run over {size} images: peak {run1.PeakMb} MB, {run1.WholeProcessImagesPerSecond:F1} img/s whole process ({run1.WallSeconds:F1} s)");
            }
            medians[size] = Spread.Of(peaks).Median;
            rows.Add(new { images = size, peakWorkingSetMb = Spread.Of(peaks), wholeProcessImagesPerSecond = Spread.Of(rates) });
        }

        return new
        {
            scenario = "memory",
            runs,
            command = CliRun.Command,
            sizes = rows,
            largestOverSmallest = sizes.Length > 1 ? Math.Round(medians[sizes.Max()] / medians[sizes.Min()], 3) : (double?)null,
            note = "peak resident set of the fleet process only; Azurite is a separate node process",
        };
    }
}
