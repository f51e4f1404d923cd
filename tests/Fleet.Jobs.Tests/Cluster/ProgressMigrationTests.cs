using Fleet.Contracts;
using Fleet.Jobs.Progress;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// A job whose record was written by code from before progress segments (the done bitmap and per-shard dictionaries
/// in the record itself) carries on from it after an upgrade, and its first checkpoint moves that progress into
/// segment entries.
/// </summary>
public sealed class ProgressMigrationTests
{
    [Fact]
    public async Task A_record_written_before_segments_carries_on_from_its_bitmap_and_moves_it_into_segments()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false);
        // Any job resolves the silo's grain storage, so the test can write the old record beside it.
        await cluster.SubmitPlannedAsync("warm", new JobSpec { Dataset = TestDatasets.Folder(1), Output = TestDatasets.NewFolder("out"), ShardSize = 1 });
        var output = TestDatasets.NewFolder("out");
        var spec = new JobSpec { Dataset = TestDatasets.Folder(4), Output = output, ShardSize = 1, MaxFailedFraction = 0.5 };
        for (var shard = 0; shard < 4; shard++)
        {
            var part = Path.Combine(output, ResultLayout.Part("legacy", shard, JsonLinesPartFormat.Instance));
            Directory.CreateDirectory(Path.GetDirectoryName(part)!);
            await File.WriteAllTextAsync(part, "");
        }
        var old = new JobRecord
        {
            Spec = spec,
            State = JobState.Running,
            ShardCount = 4,
            ImagesTotal = 4,
            PlanningComplete = true,
            DoneShards = [0b0000_0101],
            ShardsDone = 2,
            ImagesSucceeded = 1,
            ImagesFailed = 1,
            FailedByShard = new() { [2] = 1 },
            Attempts = new() { [1] = 1 },
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var grain = cluster.Job("legacy").GetGrainId();
        await cluster.GrainStorage.WriteStateAsync("job", grain, new GrainState<JobRecord>(old));

        var status = await cluster.Job("legacy").GetStatus();
        Assert.Equal((JobState.Running, 2, 2, 1L, 1L), (status.State, status.ShardsDone, status.ShardsPending, status.ImagesSucceeded, status.ImagesFailed));
        var job = cluster.Leases("legacy");
        var first = (await job.LeaseShard("w"))!;
        var second = (await job.LeaseShard("w"))!;
        Assert.Equal([1, 3], new[] { first.Shard, second.Shard });
        foreach (var lease in new[] { first, second })
            Assert.True(await job.BeginCommit(lease.Token) && await job.ReportShard(lease.Token, new ShardReport(1, 0)));

        var done = await cluster.WaitAsync("legacy", s => s.State.IsTerminal());
        Assert.Equal((JobState.Succeeded, 4, 3L, 1L), (done.State, done.ShardsDone, done.ImagesSucceeded, done.ImagesFailed));
        var record = new GrainState<JobRecord>(new JobRecord());
        await cluster.GrainStorage.ReadStateAsync("job", grain, record);
        var stored = record.State!;
        Assert.True(stored.ProgressInSegments);
        Assert.Empty(stored.DoneShards);
        Assert.Empty(stored.FailedByShard);
        var segment = new GrainState<ProgressSegment>(new ProgressSegment());
        await cluster.GrainStorage.ReadStateAsync(ShardProgressStore.StateName(0), grain, segment);
        Assert.Equal((4, 3L, 1L), (segment.State!.ShardsDone, segment.State.ImagesSucceeded, segment.State.ImagesFailed));
        Assert.Equal(new Dictionary<int, int> { [2] = 1 }, segment.State.FailedByShard);
    }
}
