using Fleet.Bench.Infrastructure;
using Fleet.Testing.Simulation;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `control-plane-scale`: one large job of stand-in items (no image bytes) end to end on 8-32 in-process silos whose
/// workers lease, "label" and commit as fast as the control plane lets them (Fleet.Testing's ControlPlaneSimulation):
/// planning rate, shards leased and committed a second, grain calls a second on the busiest activations, checkpoint
/// bytes a second, peak memory, and the time to resume after the whole cluster is killed at --kill-at. docs/scale.md
/// extrapolates these figures to 1B images on 500 silos.
/// </summary>
internal static class ControlPlaneScaleScenario
{
    public static async Task<object> RunAsync(int runs, long images, int[] siloCounts, int writeMs, int labelMs, int slots, double killAt, int? shardSize,
        bool rows, string[] settings, CancellationToken cancellationToken)
    {
        var siloSettings = settings.Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1], StringComparer.Ordinal);
        var results = new List<object>();
        foreach (var silos in siloCounts)
        {
            var measured = new List<SimulationFigures>();
            for (var run = 1; run <= runs; run++)
            {
                var figures = await ControlPlaneSimulation.RunAsync(new SimulationOptions
                {
                    Images = images,
                    Silos = silos,
                    SlotsPerSilo = slots,
                    ShardSize = shardSize,
                    LabelTime = TimeSpan.FromMilliseconds(labelMs),
                    WriteDelay = TimeSpan.FromMilliseconds(writeMs),
                    KillAt = killAt > 0 ? killAt : null,
                    WriteRows = rows,
                    Settings = siloSettings,
                    Timeout = TimeSpan.FromHours(6),
                    Progress = m => JsonLine.Progress($"{silos} silos, run {run}: {m}"),
                }, cancellationToken);
                JsonLine.Progress($"{silos} silos, run {run}: {figures.ShardsCommittedPerSecond:F0} shards/s committed, planning {figures.PlanningLinesPerSecond:F0} lines/s, " +
                    $"busiest activation {Busiest(figures)?.CallsPerSecond:F0} calls/s ({Busiest(figures)?.BusyFraction:P0} busy), " +
                    $"{figures.CheckpointBytesPerSecond / 1024:F0} KB/s of checkpoints, resume {figures.Resume?.FirstCommitSeconds:F1} s, " +
                    $"state read {figures.Resume?.StateReadFraction:P1}, progress read {figures.Resume?.ProgressReadFraction:P1} ({figures.Resume?.SegmentReads} segment reads of {figures.Resume?.SegmentsStored} stored)");
                measured.Add(figures);
            }
            Spread Of(Func<SimulationFigures, double> figure) => Spread.Of(measured.Select(figure).ToArray());
            results.Add(new
            {
                silos,
                shardsCommittedPerSecond = Of(f => f.ShardsCommittedPerSecond),
                shardsLeasedPerSecond = Of(f => f.ShardsLeasedPerSecond),
                planningLinesPerSecond = Of(f => f.PlanningLinesPerSecond),
                busiestActivationCallsPerSecond = Of(f => Busiest(f)?.CallsPerSecond ?? 0),
                busiestActivationBusyFraction = Of(f => Busiest(f)?.BusyFraction ?? 0),
                checkpointBytesPerSecond = Of(f => f.CheckpointBytesPerSecond),
                checkpointBytesPerShard = Of(f => f.CheckpointBytesPerShardCommitted),
                resumeFirstCommitSeconds = Of(f => f.Resume?.FirstCommitSeconds ?? double.NaN),
                resumeStateReadFraction = Of(f => f.Resume?.StateReadFraction ?? double.NaN),
                resumeProgressReadFraction = Of(f => f.Resume?.ProgressReadFraction ?? double.NaN),
                resumeSegmentReads = Of(f => f.Resume?.SegmentReads ?? double.NaN),
                resumeSegmentsStored = Of(f => f.Resume?.SegmentsStored ?? double.NaN),
                peakManagedHeapMBPerSilo = Of(f => f.PeakManagedHeapMBPerSilo),
                runs = measured,
            });
        }
        return new
        {
            scenario = "control-plane-scale",
            images,
            writeMs,
            labelMs,
            slotsPerSilo = slots,
            killAt,
            rows,
            runs,
            storage = $"grain state serialized in this process (+{writeMs} ms a write), shard manifests in memory as item ranges, parts in a local folder through the real result store",
            note = "window: first commit to the kill (or the last commit); rates over the window. busiest activations: incoming calls and time inside them per activation (a non-reentrant grain's busy fraction). " +
                   "checkpoint figures: the job grain's writes. resume: new cluster start to its first accepted report; state read is grain-state bytes read in that time over all stored at the kill; " +
                   "progress read is the job's progress-segment bytes read in that time over those stored (segment reads count round trips, a never-written segment's too). " +
                   "Memory: every silo shares this process, so per silo = peak managed heap / silos.",
            silos = results,
        };
    }

    private static ActivationLoad? Busiest(SimulationFigures figures) => figures.BusiestActivations.Count > 0 ? figures.BusiestActivations[0] : null;
}
