using Fleet.Contracts;
using Fleet.Jobs.Progress;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// A job re-activated when most of its shards are done reads only what it needs: its record and the progress segments
/// that are not full (<see cref="JobRecord.FullSegments"/>). It still finishes exactly once, and a shard of a full
/// segment whose part went missing is found by the finisher, its segment read then, and the shard run again.
/// </summary>
public sealed class ResumeReadsTests
{
    private const int Segment = ProgressSegment.Shards;
    private const int FullSegmentCount = 2;
    private const int Shards = FullSegmentCount * Segment + 4;

    [Fact]
    public async Task A_job_reactivated_with_most_shards_done_reads_only_its_segments_not_full_and_finishes_once()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false);
        var output = await PlantAsync(cluster, "mostly-done");
        var grain = cluster.Job("mostly-done").GetGrainId();

        var status = await cluster.Job("mostly-done").GetStatus();
        Assert.Equal((JobState.Running, Shards - 2, 2), (status.State, status.ShardsDone, status.ShardsPending));
        Assert.Equal(["job", ShardProgressStore.StateName(FullSegmentCount)], ReadsOf(cluster, grain));

        await RunLeftAsync(cluster, "mostly-done", [Shards - 2, Shards - 1]);

        var done = await cluster.WaitAsync("mostly-done", s => s.State.IsTerminal());
        Assert.Equal((JobState.Succeeded, Shards, (long)Shards, 0L), (done.State, done.ShardsDone, done.ImagesSucceeded, done.ImagesFailed));
        Assert.True(File.Exists(Path.Combine(output, ResultLayout.Success("mostly-done"))));
        Assert.Null(await cluster.Leases("mostly-done").LeaseShard("w"));
        // Finishing read nothing more: no full segment was needed.
        Assert.Equal(["job", ShardProgressStore.StateName(FullSegmentCount)], ReadsOf(cluster, grain));
    }

    [Fact]
    public async Task A_missing_part_in_a_full_segment_reads_that_segment_and_runs_its_shard_again()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false);
        var output = await PlantAsync(cluster, "part-gone");
        var grain = cluster.Job("part-gone").GetGrainId();
        var gone = Segment + 5;
        File.Delete(Path.Combine(output, ResultLayout.Part("part-gone", gone, JsonLinesPartFormat.Instance)));

        await cluster.Job("part-gone").GetStatus();
        Assert.Equal(["job", ShardProgressStore.StateName(FullSegmentCount)], ReadsOf(cluster, grain));
        await RunLeftAsync(cluster, "part-gone", [Shards - 2, Shards - 1]);

        // The finisher found the part missing: segment 1 is read, the record no longer calls it full, the shard runs again.
        var reopened = await cluster.WaitAsync("part-gone", s => s.ShardsPending == 1);
        Assert.Equal((JobState.Running, Shards - 1), (reopened.State, reopened.ShardsDone));
        Assert.Equal(["job", ShardProgressStore.StateName(FullSegmentCount), ShardProgressStore.StateName(1)], ReadsOf(cluster, grain));
        Assert.Equal([0, 1], (await StoredRecordAsync(cluster, grain)).FullSegments.Runs);
        await RunLeftAsync(cluster, "part-gone", [gone]);

        var done = await cluster.WaitAsync("part-gone", s => s.State.IsTerminal());
        Assert.Equal((JobState.Succeeded, Shards, (long)Shards), (done.State, done.ShardsDone, done.ImagesSucceeded));
        Assert.Equal(Shards, await new LocalResultStore(output, StorageResilience.Create()).ListPartsAsync("part-gone", CancellationToken.None).CountAsync());
    }

    [Fact]
    public async Task A_users_resume_reads_only_the_full_segment_with_failed_images_and_runs_its_failed_shard_again()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false);
        const int failedShard = 5;
        var output = await PlantAsync(cluster, "cancelled", JobState.Cancelled, failedShard);
        var grain = cluster.Job("cancelled").GetGrainId();

        var status = await cluster.Job("cancelled").GetStatus();
        Assert.Equal((JobState.Cancelled, Shards - 2, 1L), (status.State, status.ShardsDone, status.ImagesFailed));
        Assert.Equal(["job", ShardProgressStore.StateName(FullSegmentCount)], ReadsOf(cluster, grain));

        var resumed = await cluster.Job("cancelled").Resume();
        Assert.True(resumed.Accepted, resumed.Status.Reason);
        // Segment 0 holds the failed images and is read for the resume; segment 1 (full, no failures) never is.
        Assert.Equal(["job", ShardProgressStore.StateName(FullSegmentCount), ShardProgressStore.StateName(0)], ReadsOf(cluster, grain));
        Assert.Equal((JobState.Running, Shards - 3, 0L), (resumed.Status.State, resumed.Status.ShardsDone, resumed.Status.ImagesFailed));
        await RunLeftAsync(cluster, "cancelled", [failedShard, Shards - 2, Shards - 1]);

        var done = await cluster.WaitAsync("cancelled", s => s.State.IsTerminal());
        Assert.Equal((JobState.Succeeded, Shards, (long)Shards, 0L), (done.State, done.ShardsDone, done.ImagesSucceeded, done.ImagesFailed));
        Assert.True(File.Exists(Path.Combine(output, ResultLayout.Success("cancelled"))));
        Assert.DoesNotContain(ShardProgressStore.StateName(1), ReadsOf(cluster, grain));
    }

    /// <summary>
    /// Writes, as an earlier activation would have left them, a job of <see cref="Shards"/> one-image shards whose first
    /// segments are full and whose last has two shards done, with a part for every done shard; returns the output.
    /// </summary>
    private static async Task<string> PlantAsync(JobCluster cluster, string jobId, JobState state = JobState.Running, int? failedShard = null)
    {
        // Any job resolves the silo's grain storage, so the test can write into it.
        await cluster.SubmitPlannedAsync($"warm-{jobId}", new JobSpec { Dataset = TestDatasets.Folder(1), Output = TestDatasets.NewFolder("out"), ShardSize = 1 });
        var output = TestDatasets.NewFolder("out");
        cluster.CommitsTo(jobId, output);
        var parts = Path.GetDirectoryName(Path.Combine(output, ResultLayout.Part(jobId, 0, JsonLinesPartFormat.Instance)))!;
        Directory.CreateDirectory(parts);
        for (var shard = 0; shard < Shards - 2; shard++)
            File.Create(Path.Combine(output, ResultLayout.Part(jobId, shard, JsonLinesPartFormat.Instance))).Dispose();

        var grain = cluster.Job(jobId).GetGrainId();
        var full = new FullSegments();
        for (var index = 0; index < FullSegmentCount; index++)
        {
            var segment = new ProgressSegment { Done = Enumerable.Repeat((byte)0xFF, Segment / 8).ToArray(), ShardsDone = Segment, ImagesSucceeded = Segment };
            // A one-image shard with its image failed: an error row, no row.
            if (failedShard is { } failed && ShardProgress.SegmentOf(failed) == index)
            {
                segment.FailedByShard[failed] = 1;
                segment.ImagesFailed = 1;
                segment.ImagesSucceeded--;
            }
            await cluster.GrainStorage.WriteStateAsync(ShardProgressStore.StateName(index), grain, new GrainState<ProgressSegment>(segment));
            full.Add(index, segment.ImagesSucceeded, segment.ImagesFailed);
        }
        var last = new ProgressSegment { Done = [0b0000_0011], ShardsDone = 2, ImagesSucceeded = 2 };
        await cluster.GrainStorage.WriteStateAsync(ShardProgressStore.StateName(FullSegmentCount), grain, new GrainState<ProgressSegment>(last));
        var record = new JobRecord
        {
            Spec = new JobSpec { Dataset = TestDatasets.Folder(1), Output = output, ShardSize = 1, MaxFailedFraction = 0.5 },
            State = state,
            ShardCount = Shards,
            ImagesTotal = Shards,
            PlanningComplete = true,
            ShardsDone = Shards - 2,
            ImagesSucceeded = Shards - 2 - (failedShard is null ? 0 : 1),
            ImagesFailed = failedShard is null ? 0 : 1,
            CreatedAt = DateTimeOffset.UtcNow,
            ProgressInSegments = true,
            FullSegments = full,
            SegmentsNamed = FullSegmentCount + 1,
        };
        await cluster.GrainStorage.WriteStateAsync("job", grain, new GrainState<JobRecord>(record));
        return output;
    }

    /// <summary>The test is the worker: leases the shards left, each exactly once, and reports them.</summary>
    private static async Task RunLeftAsync(JobCluster cluster, string jobId, int[] left)
    {
        var job = cluster.Leases(jobId);
        var leased = new List<ShardLease>();
        foreach (var _ in left)
            leased.Add((await job.LeaseShard("w"))!);
        Assert.Equal(left, leased.Select(l => l.Shard));
        foreach (var lease in leased)
            Assert.True(await job.BeginCommit(lease.Token) && await job.ReportShard(lease.Token, new ShardReport(1, 0)));
    }

    /// <summary>The state names read for the job's grain, in order (the test's own read of the record comes after every check of these).</summary>
    private static string[] ReadsOf(JobCluster cluster, GrainId grain) =>
        cluster.GrainStorage.Reads.Where(r => r.Grain == grain).Select(r => r.State).ToArray();

    private static async Task<JobRecord> StoredRecordAsync(JobCluster cluster, GrainId grain)
    {
        var state = new GrainState<JobRecord>(new JobRecord());
        await cluster.GrainStorage.ReadStateAsync("job", grain, state);
        return state.State!;
    }
}
