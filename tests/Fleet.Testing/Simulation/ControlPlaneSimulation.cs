using System.Diagnostics;
using Fleet.Contracts;
using Fleet.Jobs.Progress;
using Fleet.Storage.Results;
using Polly;

namespace Fleet.Testing.Simulation;

/// <summary>
/// Runs one job of stand-in items end to end on a <see cref="SimulatedFleet"/>: submit, plan, lease and commit, kill
/// the whole cluster at <see cref="SimulationOptions.KillAt"/> and resume on a new one, finish; then checks every item
/// landed in exactly one row. Returns what it measured (<see cref="SimulationFigures"/>).
/// </summary>
public static class ControlPlaneSimulation
{
    private const int BusiestShown = 3;
    private static readonly TimeSpan KillWatch = TimeSpan.FromMilliseconds(5);

    public static async Task<SimulationFigures> RunAsync(SimulationOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var ct = timeout.Token;
        var folder = Path.Combine(Path.GetTempPath(), "fleet-simulation", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            return await RunInAsync(folder, options, ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<SimulationFigures> RunInAsync(string folder, SimulationOptions options, CancellationToken ct)
    {
        var progress = options.Progress ?? (_ => { });
        var manifest = await SyntheticItems.WriteManifestAsync(folder, options.Images, ct);
        var output = Path.Combine(folder, "out");
        var work = new StandInWork { SlotsPerSilo = options.SlotsPerSilo, LabelTime = options.LabelTime, WriteRows = options.WriteRows };
        var storage = new StorageTraffic { WriteDelay = options.WriteDelay };
        await using var fleet = new SimulatedFleet(options.Silos, work, storage, options.Settings);
        using var memory = new PeakHeap();

        var clock = Stopwatch.StartNew();
        await fleet.StartAsync();
        var clusterStart = clock.Elapsed.TotalSeconds;
        progress($"{options.Silos} silos up in {clusterStart:F1} s");

        var jobId = $"simulation-{Guid.NewGuid():N}"[..24];
        var spec = new JobSpec { Dataset = manifest, Output = output, ShardSize = options.ShardSize ?? JobSpec.DefaultShardSize };
        var submitted = await fleet.Client.GetGrain<IJobGrain>(jobId).Submit(spec);
        if (!submitted.Accepted)
            throw new InvalidOperationException($"the simulated job was refused: {submitted.Status.Reason}");
        var submittedAt = clock.Elapsed;

        double? planningSeconds = null;
        Snapshot? windowStart = null;
        Snapshot? windowEnd = null;
        ResumeFigures? resume = null;
        var lastProgress = TimeSpan.Zero;
        var lastPoll = -options.PollInterval;
        while (true)
        {
            if (windowStart is null && work.CommittedCount > 0)
                windowStart = Snapshot.Take(clock.Elapsed, fleet);
            // The kill point is watched on the workers' own count (no grain call), so it lands close to the fraction asked.
            if (options.KillAt is { } killAt && resume is null && work.CommittedItems >= killAt * options.Images)
            {
                windowEnd = Snapshot.Take(clock.Elapsed, fleet);
                resume = await KillAndResumeAsync(fleet, jobId, work.CommittedItems / (double)options.Images, clock, progress, ct);
                continue;
            }
            if (clock.Elapsed - lastPoll < options.PollInterval)
            {
                await Task.Delay(KillWatch, ct);
                continue;
            }
            lastPoll = clock.Elapsed;
            var status = await fleet.Client.GetGrain<IJobGrain>(jobId).GetStatus();
            var now = clock.Elapsed;
            if (planningSeconds is null && status.PlanningComplete)
            {
                planningSeconds = (now - submittedAt).TotalSeconds;
                progress($"planned {status.ShardsTotal} shards in {planningSeconds:F1} s");
            }
            if (now - lastProgress > TimeSpan.FromSeconds(10))
            {
                lastProgress = now;
                progress($"{now.TotalSeconds:F0} s: {status.State}, {status.ShardsDone}/{status.ShardsTotal} shards done, {status.ImagesSucceeded} images");
            }
            if (status.State is JobState.Failed or JobState.Cancelled)
                throw new InvalidOperationException($"the simulated job ended {status.State}: {status.Reason}");
            if (status.State == JobState.Succeeded)
                break;
            if (windowStart is not null && windowEnd is null && status.PlanningComplete && status.ShardsDone == status.ShardsTotal)
                windowEnd = Snapshot.Take(now, fleet);
        }
        var total = clock.Elapsed;
        windowEnd ??= Snapshot.Take(total, fleet);
        windowStart ??= windowEnd;
        var final = await fleet.Client.GetGrain<IJobGrain>(jobId).GetStatus();
        progress($"succeeded in {total.TotalSeconds:F1} s");

        var (missing, duplicated) = options.WriteRows ? await AuditRowsAsync(output, jobId, options.Images, ct) : ((long?)null, (long?)null);
        var seconds = Math.Max(1e-3, (windowEnd.At - windowStart.At).TotalSeconds);
        var committed = windowEnd.Committed - windowStart.Committed;
        var writtenByType = windowEnd.Written.ToDictionary(p => p.Key, p => p.Value - windowStart.Written.GetValueOrDefault(p.Key));
        var jobWrites = windowEnd.JobWrites - windowStart.JobWrites;
        var jobBytes = writtenByType.Where(p => p.Key == windowEnd.JobGrainType).Sum(p => p.Value);
        return new SimulationFigures
        {
            Images = options.Images,
            Silos = options.Silos,
            Shards = final.ShardsTotal,
            ClusterStartSeconds = Math.Round(clusterStart, 2),
            PlanningSeconds = Math.Round(planningSeconds ?? double.NaN, 2),
            PlanningLinesPerSecond = Math.Round(options.Images / (planningSeconds ?? double.NaN)),
            FirstCommitSeconds = Math.Round((windowStart.At - submittedAt).TotalSeconds, 2),
            WindowSeconds = Math.Round(seconds, 2),
            ShardsLeasedPerSecond = Math.Round((windowEnd.Leased - windowStart.Leased) / seconds, 1),
            ShardsCommittedPerSecond = Math.Round(committed / seconds, 1),
            ImagesCommittedPerSecond = Math.Round((windowEnd.Images - windowStart.Images) / seconds),
            BusiestActivations = [.. windowEnd.Activations.Where(p => !p.Key.Type.ToString()!.StartsWith("sys.", StringComparison.Ordinal))
                .Select(p => (Grain: p.Key, Calls: p.Value.Calls - windowStart.Activations.GetValueOrDefault(p.Key).Calls, Busy: p.Value.BusySeconds - windowStart.Activations.GetValueOrDefault(p.Key).BusySeconds))
                .OrderByDescending(a => a.Calls).Take(BusiestShown)
                .Select(a => new ActivationLoad(a.Grain.ToString(), Math.Round(a.Calls / seconds, 1), Math.Round(a.Busy / seconds, 3)))],
            CallsPerSecondByMethod = windowEnd.Methods.Select(p => (p.Key, PerSecond: (p.Value - windowStart.Methods.GetValueOrDefault(p.Key)) / seconds))
                .Where(p => p.PerSecond > 0).OrderByDescending(p => p.PerSecond).ToDictionary(p => p.Key, p => Math.Round(p.PerSecond, 1), StringComparer.Ordinal),
            CheckpointWritesPerSecond = Math.Round(jobWrites / seconds, 1),
            CheckpointBytesPerSecond = Math.Round(jobBytes / seconds),
            CheckpointBytesPerShardCommitted = committed == 0 ? double.NaN : Math.Round(jobBytes / (double)committed, 1),
            WrittenBytesByGrainType = writtenByType,
            LargestStateBytesByGrainType = windowEnd.LargestStates,
            PeakWorkingSetMB = Math.Round(PeakHeap.PeakWorkingSetMB, 1),
            PeakManagedHeapMB = Math.Round(memory.PeakHeapMB, 1),
            PeakManagedHeapMBPerSilo = Math.Round(memory.PeakHeapMB / options.Silos, 1),
            TotalSeconds = Math.Round((total - submittedAt).TotalSeconds, 2),
            Resume = resume,
            ItemsMissing = missing,
            ItemsDuplicated = duplicated,
        };
    }

    private static async Task<ResumeFigures> KillAndResumeAsync(SimulatedFleet fleet, string jobId, double fraction, Stopwatch clock, Action<string> progress, CancellationToken ct)
    {
        var killStarted = clock.Elapsed;
        await fleet.KillAsync();
        var killSeconds = (clock.Elapsed - killStarted).TotalSeconds;
        // A shard's commit is durable once a write of its progress segment began after its report was accepted (the
        // job record holds no done bits): per segment, the last such write that landed before the kill.
        var landed = fleet.Storage.LastDurableWritesStarted(jobId);
        long CheckpointOf(int shard) => landed.GetValueOrDefault(ShardProgressStore.StateName(shard / ProgressSegment.Shards), long.MinValue);
        var stored = fleet.Storage.StoredBytes();
        var readBefore = fleet.Storage.Totals().ReadBytes;
        const string Segments = "job-progress";
        var (segmentsStored, segmentBytesStored) = fleet.Storage.StoredOfKind(Segments);
        var (_, recordBytesStored) = fleet.Storage.StoredOfKind("job");
        var segmentsBefore = fleet.Storage.OfKind(Segments);
        var recordBefore = fleet.Storage.OfKind("job");
        progress($"killed the whole cluster at {fraction:P0} ({killSeconds:F1} s); {stored} bytes of state stored");

        var restart = clock.Elapsed;
        await fleet.StartAsync();
        var clusterStart = (clock.Elapsed - restart).TotalSeconds;
        // What a restarted fleet does first: its workers ask the registry for active jobs and lease from them, which
        // activates the job; the poll here only watches.
        while (!fleet.Work.Committed.Any(c => c.Generation == fleet.Work.Generation))
            await Task.Delay(5, ct);
        var firstCommit = (clock.Elapsed - restart).TotalSeconds;
        var read = fleet.Storage.Totals().ReadBytes - readBefore;
        var segmentsRead = fleet.Storage.OfKind(Segments);
        var progressRead = segmentsRead.ReadBytes - segmentsBefore.ReadBytes;
        var recordRead = fleet.Storage.OfKind("job").ReadBytes - recordBefore.ReadBytes;
        progress($"resumed: cluster up in {clusterStart:F1} s, first commit {firstCommit:F1} s after the restart, {read} bytes of state read " +
            $"({progressRead} of {segmentBytesStored} in progress segments, {segmentsRead.Reads - segmentsBefore.Reads} segment reads of {segmentsStored} stored)");

        while ((await fleet.Client.GetGrain<IJobGrain>(jobId).GetStatus()).State is not (JobState.Succeeded or JobState.Failed or JobState.Cancelled))
            await Task.Delay(50, ct);
        var before = fleet.Work.Committed.Where(c => c.Generation < fleet.Work.Generation).GroupBy(c => c.Shard).ToDictionary(g => g.Key, g => g.Min(c => c.AcceptedAt));
        var after = fleet.Work.Leases.Where(l => l.Generation == fleet.Work.Generation).Select(l => l.Shard).ToHashSet();
        var redone = before.Where(p => after.Contains(p.Key)).ToArray();
        return new ResumeFigures
        {
            KilledAtFraction = Math.Round(fraction, 3),
            KillSeconds = Math.Round(killSeconds, 2),
            ClusterStartSeconds = Math.Round(clusterStart, 2),
            FirstCommitSeconds = Math.Round(firstCommit, 2),
            StateBytesRead = read,
            StateBytesStored = stored,
            StateReadFraction = stored == 0 ? double.NaN : Math.Round(read / (double)stored, 4),
            ProgressBytesRead = progressRead,
            ProgressBytesStored = segmentBytesStored,
            ProgressReadFraction = segmentBytesStored == 0 ? double.NaN : Math.Round(progressRead / (double)segmentBytesStored, 4),
            SegmentReads = segmentsRead.Reads - segmentsBefore.Reads,
            SegmentsStored = segmentsStored,
            JobRecordBytesRead = recordRead,
            JobRecordBytesStored = recordBytesStored,
            FinishSeconds = Math.Round((clock.Elapsed - restart).TotalSeconds, 2),
            ShardsRedone = redone.Length,
            CheckpointedShardsRedone = redone.Count(p => p.Value < CheckpointOf(p.Key)),
            ShardsAfterLastCheckpoint = before.Count(p => p.Value >= CheckpointOf(p.Key)),
        };
    }

    /// <summary>Reads every committed row: items in no row and items in more than one.</summary>
    private static async Task<(long? Missing, long? Duplicated)> AuditRowsAsync(string output, string jobId, long images, CancellationToken ct)
    {
        var seen = new byte[images];
        await foreach (var line in new ResultStoreFactory(null, ResiliencePipeline.Empty).Create(output).ReadRowsAsync(jobId, ct))
        {
            if (SyntheticItems.TryIndex(ResultRow.Parse(line).Uri, out var index) && index < images && seen[index] < byte.MaxValue)
                seen[index]++;
        }
        return (seen.LongCount(n => n == 0), seen.LongCount(n => n > 1));
    }

    /// <summary>The counters at one moment of the run.</summary>
    private sealed record Snapshot(TimeSpan At, long Leased, long Committed, long Images, long JobWrites, string JobGrainType,
        IReadOnlyDictionary<GrainId, (long Calls, double BusySeconds)> Activations, IReadOnlyDictionary<string, long> Methods,
        IReadOnlyDictionary<string, long> Written, IReadOnlyDictionary<string, long> LargestStates)
    {
        public static Snapshot Take(TimeSpan at, SimulatedFleet fleet)
        {
            var committed = fleet.Work.Committed.ToArray();
            var byType = fleet.Storage.ByType();
            var activations = fleet.Calls.Activations();
            // The job's grain type, as Orleans names it: the type of the activation the workers lease from.
            var jobType = committed.Length == 0 ? "job" : activations.Keys.Where(g => g.Key.ToString() == committed[0].JobId).Select(g => g.Type.ToString()!).FirstOrDefault() ?? "job";
            return new Snapshot(at, fleet.Work.Leased, committed.Length, committed.Sum(c => (long)c.Items),
                byType.GetValueOrDefault(jobType)?.Writes ?? 0, jobType, activations, fleet.Calls.Methods(),
                byType.ToDictionary(p => p.Key, p => p.Value.WrittenBytes, StringComparer.Ordinal),
                byType.Keys.ToDictionary(t => t, fleet.Storage.LargestState, StringComparer.Ordinal));
        }
    }
}
