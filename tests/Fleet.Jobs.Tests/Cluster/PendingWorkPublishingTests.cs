using Fleet.Contracts;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// The markers' storage hanging (or retrying through a long outage) does not hold up the registry: it answers at once
/// and publishes its changes in the background, in the order it made them, once the storage answers.
/// </summary>
public sealed class PendingWorkPublishingTests : IAsyncLifetime
{
    private JobCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await JobCluster.StartAsync(workers: false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_registry_whose_markers_hang_still_answers_and_publishes_in_order_once_they_answer()
    {
        var release = _cluster.Markers.Hold();
        var registry = _cluster.Client.GetGrain<IJobRegistryGrain>(0);

        // Its activation syncs the markers: waiting for them there would fail the activation after Orleans' 30 s.
        Assert.Empty(await registry.GetActiveJobs().WaitAsync(TimeSpan.FromSeconds(20)));
        // No worker here: the job stays Running, so it must end up marked.
        await _cluster.SubmitPlannedAsync("waiting", new JobSpec { Dataset = TestDatasets.Folder(8), Output = TestDatasets.NewFolder("out"), ShardSize = 4 });
        Assert.Contains("waiting", await registry.GetActiveJobs());
        Assert.Empty(_cluster.Markers.Jobs);

        release();

        // The sync of the (empty) active set taken at activation runs first and the job's mark after it, not the reverse.
        Assert.True(await Eventually.TrueAsync(() => _cluster.Markers.InFlight == 0 && _cluster.Markers.Jobs.Contains("waiting")),
            $"markers after the release: [{string.Join(", ", _cluster.Markers.Jobs)}], {_cluster.Markers.InFlight} calls in flight");
    }
}
