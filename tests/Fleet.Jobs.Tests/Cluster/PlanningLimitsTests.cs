using Fleet.Contracts;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// A job held to the Fleet:Limits bounds on planning, in a real cluster: past a limit the job fails with a reason that
/// names the setting, and the shards planned before it are kept.
/// </summary>
public sealed class PlanningLimitsTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: false, settings: new Dictionary<string, string?>
    {
        ["Fleet:Limits:MaxShardsPerJob"] = "2",
        ["Fleet:Limits:MaxManifestLineLength"] = "4096",
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_job_that_needs_more_shards_than_the_cap_fails_naming_the_setting()
    {
        var spec = new JobSpec { Dataset = TestDatasets.Folder(5), Output = TestDatasets.NewFolder("out"), ShardSize = 2 };

        Assert.True((await _cluster.Job("too-many-shards").Submit(spec)).Accepted);
        var status = await _cluster.WaitAsync("too-many-shards", s => s.State.IsTerminal());

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("more than 2 shards of 2 images (Fleet:Limits:MaxShardsPerJob)", status.Reason);
        Assert.Equal(2, _cluster.Manifests.Count("too-many-shards"));
    }

    [Fact]
    public async Task A_job_within_the_shard_cap_plans_all_of_it()
    {
        var spec = new JobSpec { Dataset = TestDatasets.Folder(4), Output = TestDatasets.NewFolder("out"), ShardSize = 2 };

        var status = await _cluster.SubmitPlannedAsync("within-shards", spec);

        Assert.Equal(2, status.ShardsTotal);
        Assert.NotEqual(JobState.Failed, status.State);
    }

    [Fact]
    public async Task A_manifest_line_over_the_limit_fails_the_job_naming_the_setting()
    {
        var folder = TestDatasets.Folder(1);
        var manifest = Path.Combine(TestDatasets.NewFolder("manifest"), "images.txt");
        await File.WriteAllTextAsync(manifest, Directory.GetFiles(folder)[0] + "\n" + new string('x', 5000));

        Assert.True((await _cluster.Job("long-line").Submit(new JobSpec { Dataset = manifest, Output = TestDatasets.NewFolder("out"), ShardSize = 2 })).Accepted);
        var status = await _cluster.WaitAsync("long-line", s => s.State.IsTerminal());

        Assert.Equal(JobState.Failed, status.State);
        // A text manifest is planned by byte ranges: the line is named by its byte offset (after the first line and its "\n").
        var offset = Directory.GetFiles(folder)[0].Length + 1;
        Assert.Contains($"the line at byte {offset} is longer than 4,096 bytes (Fleet:Limits:MaxManifestLineLength)", status.Reason);
    }
}
