using Fleet.Jobs.Planning;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Security;
using Microsoft.Extensions.Options;
using Fleet.Contracts;
using Fleet.Jobs.Finish;
using Fleet.Jobs.Tests.Cluster;
using Fleet.Models;
using Fleet.Storage.Results;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Fleet.Jobs.Tests;

/// <summary>
/// The finisher's three outcomes against a real local output folder and the in-memory manifest store, no cluster:
/// it succeeds only with one part per shard, names the shards to run again otherwise, and fails on a storage fault.
/// </summary>
public sealed class JobFinisherTests
{
    private const string JobId = "finish";

    private readonly string _output = TestDatasets.NewFolder("out");
    private readonly InMemoryShardManifestStore _manifests = new();
    private readonly JobRecord _job = new()
    {
        Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 2 },
        State = JobState.Running,
        ShardCount = 3,
        ImagesTotal = 6,
        ImagesSucceeded = 6,
        PlanningComplete = true,
    };

    /// <summary>Nothing here is planned by byte ranges: a planner without storage.</summary>
    private static ManifestSlicePlanner SlicePlanner => new(
        IntakePolicy.Unrestricted,
        new ManifestSlices(null, ResiliencePipeline.Empty), Options.Create(new PlanningOptions()));

    private LocalResultStore Results => new(_output, ResiliencePipeline.Empty);

    private JobFinisher Finisher => new(ModelCatalog.LoadDefault(), _manifests, SlicePlanner, new JobClock(new FakeTimeProvider()), NullLogger<JobFinisher>.Instance);

    private Task<FinishOutcome> FinishAsync() => Finisher.FinishAsync(JobId, _job, Results, CancellationToken.None);

    private async Task PlannedAndCommittedAsync(params int[] shards)
    {
        for (var shard = 0; shard < _job.ShardCount; shard++)
            await _manifests.WriteAsync(JobId, shard, [new ShardItem($"file:///img-{shard}.jpg")], CancellationToken.None);
        foreach (var shard in shards)
        {
            var part = Path.Combine(_output, ResultLayout.Part(JobId, shard, JsonLinesPartFormat.Instance));
            Directory.CreateDirectory(Path.GetDirectoryName(part)!);
            await File.WriteAllTextAsync(part, "");
        }
    }

    private string SuccessMarker => Path.Combine(_output, ResultLayout.Success(JobId));

    [Fact]
    public async Task With_one_part_per_shard_it_writes_the_success_marker_and_deletes_the_manifests()
    {
        await PlannedAndCommittedAsync(0, 1, 2);

        Assert.IsType<FinishOutcome.Succeeded>(await FinishAsync());

        var marker = await File.ReadAllTextAsync(SuccessMarker);
        Assert.Contains(ResultLayout.Part(JobId, 2, JsonLinesPartFormat.Instance), marker);
        // The manifests go after the job says Succeeded (the grain's call), not inside the finish.
        Assert.Equal(3, _manifests.Count(JobId));
        Assert.True(await Finisher.DeleteManifestsAsync(JobId));
        Assert.Equal(0, _manifests.Count(JobId));
    }

    [Fact]
    public async Task Committed_shards_whose_parts_are_gone_are_reopened_and_nothing_is_written_or_deleted()
    {
        await PlannedAndCommittedAsync(1);

        var outcome = Assert.IsType<FinishOutcome.Reopen>(await FinishAsync());

        Assert.Equal([0, 2], outcome.Shards);
        Assert.False(File.Exists(SuccessMarker));
        Assert.Equal(3, _manifests.Count(JobId));
    }

    [Fact]
    public async Task A_success_marker_that_cannot_be_written_fails_the_job_with_the_reason_and_keeps_the_manifests()
    {
        await PlannedAndCommittedAsync(0, 1, 2);
        // A folder where the marker goes: the final rename fails as on a broken or read-only output.
        Directory.CreateDirectory(Path.Combine(SuccessMarker, "blocker"));

        var outcome = Assert.IsType<FinishOutcome.Failed>(await FinishAsync());

        Assert.StartsWith($"could not write {ResultLayout.SuccessMarker}: ", outcome.Reason);
        Assert.Equal(3, _manifests.Count(JobId));
    }
}
