using Fleet.Contracts;

namespace Fleet.Jobs.Tests;

public sealed class JobRecordTests
{
    [Fact]
    public void Done_bitmap_tracks_shards_beyond_its_first_byte_and_counters_follow()
    {
        var record = new JobRecord { Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 10 }, ShardCount = 30, ImagesTotal = 295, PlanningComplete = true };

        record.MarkShardDone(0, new ShardReport(10, 0));
        record.MarkShardDone(29, new ShardReport(3, 2));

        Assert.True(record.IsShardDone(0));
        Assert.True(record.IsShardDone(29));
        Assert.False(record.IsShardDone(28));
        Assert.Equal((2, 13L, 2L), (record.ShardsDone, record.ImagesSucceeded, record.ImagesFailed));
        // The record itself carries no bitmap: the progress is in segments of its own.
        Assert.Empty(record.DoneShards);
        Assert.Equal([0], record.Progress.Dirty);
    }

    [Fact]
    public void Reopening_a_shard_with_failures_takes_its_images_back_out_of_the_counts()
    {
        var record = new JobRecord { Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 10 }, ShardCount = 30, ImagesTotal = 295, PlanningComplete = true };
        record.MarkShardDone(4, new ShardReport(7, 3));
        record.MarkShardDone(29, new ShardReport(3, 2));

        record.ReopenShard(4);
        record.ReopenShard(29);

        Assert.Equal((0, 0L, 0L), (record.ShardsDone, record.ImagesSucceeded, record.ImagesFailed));
        Assert.Empty(record.Progress.ShardsWithFailures());
        Assert.False(record.IsShardDone(4));
    }

    [Fact]
    public void The_status_carries_the_specs_uris_without_their_sas()
    {
        const string Sas = "?sv=2024-01-01&se=2030-01-01&sig=c2VjcmV0";
        var record = new JobRecord
        {
            Spec = new JobSpec { Dataset = "https://acct.blob.core.windows.net/in/photos/" + Sas, Output = "https://acct.blob.core.windows.net/out" + Sas },
        };

        var spec = record.ToStatus("job", 0, 0, 0).Spec!;

        Assert.Equal(("https://acct.blob.core.windows.net/in/photos/", "https://acct.blob.core.windows.net/out"), (spec.Dataset, spec.Output));
        Assert.Contains("sig=", record.Spec.Dataset);
    }

    [Fact]
    public void A_run_that_starts_again_forgets_how_the_last_one_ended_and_the_plan_grows_by_each_planned_shard()
    {
        var record = new JobRecord();
        var now = DateTimeOffset.UnixEpoch;
        record.Admit(new JobSpec { Dataset = "d", Output = "o", ShardSize = 2 }, captionStyle: null, now, traceParent: null);
        record.Planned(new Fleet.Jobs.Planning.PlannedShard(0, 2, "after-1"));
        record.Planned(new Fleet.Jobs.Planning.PlannedShard(1, 1, "after-2"));
        record.Stopped(JobState.Cancelled, "cancelled by request", now.AddMinutes(1));
        Assert.False(record.IsActive);

        record.Started(now.AddMinutes(2));

        Assert.Equal((2, 3L, "after-2"), (record.ShardCount, record.ImagesTotal, record.PlanCheckpoint));
        Assert.Equal((null, (DateTimeOffset?)null, now.AddMinutes(2)), (record.Reason, record.FinishedAt, record.StartedAt!.Value));
        Assert.Equal((JobState.Cancelled, now), (record.State, record.CreatedAt!.Value));
    }
}
