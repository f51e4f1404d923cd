using Fleet.Bench.Infrastructure;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `plan`: a job over a manifest of N lines (file URIs, never read) on one silo whose worker is off, so only planning
/// runs: time to the first shard manifest, total planning time, and this process's peak resident memory while planning.
/// </summary>
internal static class PlanScenario
{
    public static async Task<object> RunAsync(int runs, int lines, int shardSize, CancellationToken cancellationToken)
    {
        Environment.SetEnvironmentVariable("Fleet__Worker__Enabled", "false");
        var manifest = Path.Combine(Path.GetTempPath(), $"fleet-bench-manifest-{Guid.NewGuid():N}"[..32] + ".txt");
        await using (var writer = new StreamWriter(manifest))
        {
            for (var i = 0; i < lines; i++)
                await writer.WriteLineAsync($"file:///data/photos/{i / 1000:D4}/image-{i:D7}.jpg");
        }

        var firstShard = new List<double>();
        var planning = new List<double>();
        var peak = new List<double>();
        try
        {
            await using var engine = await EngineRun.StartAsync(silos: 1, cancellationToken);
            var before = PeakMemory.OfSelf();
            for (var run = 1; run <= runs; run++)
            {
                GC.Collect();
                PeakMemory.ResetSelf();
                var timings = await engine.RunPlanningAsync(manifest, shardSize, cancellationToken);
                firstShard.Add(timings.FirstShardSeconds);
                planning.Add(timings.PlanningSeconds);
                peak.Add(PeakMemory.OfSelf());
                JsonLine.Progress($"first shard {timings.FirstShardSeconds:F2} s, planned {lines} in {timings.PlanningSeconds:F1} s, peak {peak[^1]} MB");
            }

            return new
            {
                scenario = "plan",
                lines,
                shardSize,
                shards = (lines + shardSize - 1) / shardSize,
                runs,
                firstShardSeconds = Spread.Of(firstShard),
                planningSeconds = Spread.Of(planning),
                peakWorkingSetMb = Spread.Of(peak),
                peakBeforeFirstRunMb = before,
                note = "one process: Azurite is separate, the silo (worker off) and this harness are in it; the peak is reset before each run where the kernel allows",
            };
        }
        finally
        {
            File.Delete(manifest);
        }
    }
}
