using Fleet.Contracts;
using Fleet.Storage.Scaling;
using Microsoft.Extensions.Logging;

namespace Fleet.Jobs.Registry;

/// <summary>
/// The cluster's list of jobs that want workers, persisted so that workers of a restarted cluster find them, and
/// published as one marker per job (<see cref="IPendingWorkMarkers"/>) for the autoscaler that starts GPU silos from
/// zero. A marker write that fails is logged and put right at the registry's next activation (SyncAsync).
/// </summary>
public sealed class JobRegistryGrain(
    [PersistentState("registry", FleetStorageNames.GrainStorage)] IPersistentState<JobRegistryRecord> state,
    IPendingWorkMarkers markers,
    ILogger<JobRegistryGrain> logger) : Grain, IJobRegistryGrain
{
    private const int MaxRecent = 1000;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        await PublishAsync("sync", () => markers.SyncAsync(state.State.Active, cancellationToken));

    public async Task Activate(string jobId)
    {
        var added = state.State.Active.Add(jobId);
        if (!state.State.Recent.Contains(jobId))
        {
            state.State.Recent.Add(jobId);
            if (state.State.Recent.Count > MaxRecent)
                state.State.Recent.RemoveAt(0);
            added = true;
        }
        if (added)
            await state.WriteStateAsync();
        // Every time, not only when added: cheap, and a marker lost to an earlier fault comes back with the job's next activation.
        await PublishAsync(jobId, () => markers.MarkAsync(jobId, CancellationToken.None));
    }

    public async Task Deactivate(string jobId)
    {
        if (state.State.Active.Remove(jobId))
            await state.WriteStateAsync();
        await PublishAsync(jobId, () => markers.ClearAsync(jobId, CancellationToken.None));
    }

    public Task<IReadOnlyList<string>> GetActiveJobs() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Active.Order(StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<string>> GetRecentJobs(int max) =>
        Task.FromResult<IReadOnlyList<string>>(Enumerable.Reverse(state.State.Recent).Take(max).ToArray());

    /// <summary>The markers only scale the fleet: their storage being down must not stop a job from starting or ending.</summary>
    private async Task PublishAsync(string what, Func<Task> publish)
    {
        try
        {
            await publish();
        }
        catch (Exception e)
        {
            logger.LogWarning("Pending-work marker ({What}) not updated: {Error}", what, e.Message);
        }
    }
}
