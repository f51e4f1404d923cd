using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Xunit.Abstractions;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// Adaptive shard size in a real cluster: a text manifest planned by byte ranges into hundreds of tiny slices whose
/// shards take milliseconds ends in far fewer, larger shards, every image in exactly one row; and a job grain
/// re-activated after a resize leases the same slices it planned before.
/// </summary>
public sealed class AdaptiveShardSizeTests(ITestOutputHelper output)
{
    private const int Images = 720;

    /// <summary>A 256-byte sample and 2 images a shard: ~360 slices of ~150 bytes; each shard's worker time is milliseconds, far under 1 s.</summary>
    private static Dictionary<string, string?> Settings(bool adaptive) => new()
    {
        ["Fleet:Planning:SampleBytes"] = "256",
        ["Fleet:Jobs:TargetShardTime"] = "00:00:01",
        ["Fleet:Jobs:AdaptiveShardSize"] = adaptive.ToString(),
    };

    private static string Manifest(int images)
    {
        var manifest = TestDatasets.ManifestWithMissing(good: images, missing: 0);
        Assert.Equal(images, File.ReadLines(manifest).Count());
        return manifest;
    }

    [Fact]
    public async Task A_job_of_many_tiny_fast_slices_ends_with_far_fewer_shards_and_every_image_in_exactly_one_row()
    {
        await using var cluster = await JobCluster.StartAsync(workers: true, silos: 1, settings: Settings(adaptive: true));
        var folder = TestDatasets.NewFolder("out");
        var spec = new JobSpec { Dataset = Manifest(Images), Output = folder, ShardSize = 2 };
        var submitted = await cluster.Job("adaptive").Submit(spec);
        Assert.True(submitted.Accepted, submitted.Status.Reason);
        // Lines of one length, so the sample sizes every slice at 2 images: one shard per 2 images as planned.
        const int plannedShards = Images / 2;

        // Mid-job, once a resize has happened (past the first lease limit), the job grain is re-activated.
        var mid = await cluster.WaitAsync("adaptive", s => s.ShardsDone >= 40 || s.State.IsTerminal(), TimeSpan.FromSeconds(60));
        await cluster.Cluster.DeactivateAsync(cluster.Job("adaptive"));
        var done = await cluster.WaitAsync("adaptive", s => s.State.IsTerminal(), TimeSpan.FromSeconds(90));

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.True(done.ShardsTotal * 3 < plannedShards, $"{plannedShards} planned shards ended as {done.ShardsTotal} (mid-job: {mid.ShardsDone} done of {mid.ShardsTotal})");
        Assert.Equal((done.ShardsTotal, (long)Images, (long)Images, 0L, false), (done.ShardsDone, done.ImagesTotal, done.ImagesSucceeded, done.ImagesFailed, done.ImagesTotalEstimated));
        var rows = await new LocalResultStore(folder, StorageResilience.Create()).ReadRowsAsync("adaptive", CancellationToken.None).ToListAsync();
        var uris = rows.Select(r => System.Text.Json.JsonDocument.Parse(r).RootElement.GetProperty("uri").GetString()).ToList();
        Assert.Equal(Images, uris.Count);
        Assert.Equal(File.ReadAllLines(spec.Dataset).Select(line => new Uri(line).AbsoluteUri).Order(StringComparer.Ordinal), uris.Order(StringComparer.Ordinal));
        output.WriteLine($"{plannedShards} planned shards ended as {done.ShardsTotal}");
    }

    [Fact]
    public async Task Off_a_job_keeps_the_shards_it_planned()
    {
        await using var cluster = await JobCluster.StartAsync(workers: true, silos: 1, settings: Settings(adaptive: false));
        var spec = new JobSpec { Dataset = Manifest(200), Output = TestDatasets.NewFolder("out"), ShardSize = 2 };
        Assert.True((await cluster.Job("fixed").Submit(spec)).Accepted);
        var planned = await cluster.WaitAsync("fixed", s => s.PlanningComplete || s.State.IsTerminal());
        var done = await cluster.WaitAsync("fixed", s => s.State.IsTerminal(), TimeSpan.FromSeconds(90));

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(planned.ShardsTotal, done.ShardsTotal);
        Assert.Equal(200L, done.ImagesSucceeded);
    }

    [Fact]
    public async Task A_job_grain_re_activated_after_a_resize_leases_the_same_slices()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false, settings: Settings(adaptive: true));
        var spec = new JobSpec { Dataset = Manifest(300), Output = TestDatasets.NewFolder("out"), ShardSize = 2 };
        var planned = await cluster.SubmitPlannedAsync("reactivated", spec);
        var job = cluster.Leases("reactivated");
        // The first lease limit's 32 shards, each reported as 1 ms of work: far under the 1 s target.
        for (var i = 0; i < 32; i++)
        {
            var lease = (await job.LeaseShard("w"))!;
            Assert.True(await job.BeginCommit(lease.Token));
            Assert.True(await job.ReportShard(lease.Token, new ShardReport(2, 0) { Seconds = 0.001 }));
        }
        // The lease past the limit resizes the shards from it on; the next few are leased and given back.
        var before = new List<ShardLease>();
        for (var i = 0; i < 8; i++)
            before.Add((await job.LeaseShard("w"))!);
        var resized = await cluster.Job("reactivated").GetStatus();
        Assert.True(resized.ShardsTotal < planned.ShardsTotal, $"{planned.ShardsTotal} shards before, {resized.ShardsTotal} after");
        Assert.Equal(Enumerable.Range(32, 8), before.Select(l => l.Shard));
        // The 32 slices before were of one size (the first starts at 0): the one past the limit is at least 4x that.
        var first = before[0].Slice!;
        Assert.True(first.End - first.Start >= 4 * (first.Start / 32), $"slice {first.Start}..{first.End} after 32 of {first.Start / 32} bytes");
        foreach (var lease in before)
            await job.ReturnShard(lease.Token, "test");

        await cluster.Cluster.DeactivateAsync(cluster.Job("reactivated"));

        var status = await cluster.Job("reactivated").GetStatus();
        Assert.Equal((resized.ShardsTotal, 32), (status.ShardsTotal, status.ShardsDone));
        var after = new List<ShardLease>();
        for (var i = 0; i < 8; i++)
            after.Add((await job.LeaseShard("w"))!);
        Assert.Equal(before.Select(l => (l.Shard, l.Slice)), after.Select(l => (l.Shard, l.Slice)));
    }
}
