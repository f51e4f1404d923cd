using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// A text manifest planned by byte ranges in a real cluster with workers: the sample block is small, so slices are sized
/// by average line length and image counts are known only as shards are read; a failed job's resume re-opens its
/// shards with failed images and the counters still end exact.
/// </summary>
public sealed class SlicedPlanTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: true, silos: 1, settings: new Dictionary<string, string?>
    {
        ["Fleet:Planning:SampleBytes"] = "256",
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_resumed_sliced_job_re_runs_its_failed_shards_and_its_counts_end_exact()
    {
        var manifest = TestDatasets.ManifestWithMissing(good: 40, missing: 8);
        var output = TestDatasets.NewFolder("out");
        var spec = new JobSpec { Dataset = manifest, Output = output, ShardSize = 4, MaxFailedFraction = 0 };
        Assert.True((await _cluster.Job("sliced-resume").Submit(spec)).Accepted);
        var failed = await _cluster.WaitAsync("sliced-resume", s => s.State.IsTerminal());
        Assert.Equal(JobState.Failed, failed.State);
        Assert.True(failed.ImagesFailed > 0);

        // The missing images appear: a resume re-runs the shards that failed them.
        foreach (var line in File.ReadAllLines(manifest).Where(l => !File.Exists(l)))
            File.WriteAllBytes(line, [0xFF, 0xD8, 0x01, 0xFF, 0xD9]);
        Assert.True((await _cluster.Job("sliced-resume").Resume()).Accepted);
        // A resume is Running by the time it returns: the next terminal state is the resumed run's.
        var done = await _cluster.WaitAsync("sliced-resume", s => s.State.IsTerminal());

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal((48L, 48L, 0L, false), (done.ImagesTotal, done.ImagesSucceeded, done.ImagesFailed, done.ImagesTotalEstimated));
        var rows = await new LocalResultStore(output, StorageResilience.Create()).ReadRowsAsync("sliced-resume", CancellationToken.None).ToListAsync();
        var uris = rows.Select(r => System.Text.Json.JsonDocument.Parse(r).RootElement.GetProperty("uri").GetString()).ToList();
        Assert.Equal(48, uris.Distinct().Count());
        Assert.Equal(48, uris.Count);
        Assert.DoesNotContain(rows, r => r.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Equal(0, _cluster.Manifests.Count("sliced-resume"));
    }
}
