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
    /// <summary>The newest jobs of all owners together (`fleet jobs`, an admin's listing).</summary>
    public const int MaxRecent = 1000;

    /// <summary>The newest jobs of each owner: what the API can address (older ones answer 404), one owner's flood never another's.</summary>
    public const int MaxRecentPerOwner = 1000;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A registry written before owners were kept apart: its jobs are filed under their owners once.
        if (state.State.RecentByOwner.Count == 0)
            foreach (var key in state.State.Recent)
                AddRecent(key);
        await PublishAsync("sync", () => markers.SyncAsync(state.State.Active, cancellationToken));
    }

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
        added |= AddRecent(jobId);
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

    public Task<IReadOnlyList<string>> GetRecentJobsOf(string owner, int max) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.RecentByOwner.TryGetValue(owner, out var keys) ? Enumerable.Reverse(keys).Take(max).ToArray() : []);

    public Task<bool> Knows(string jobKey) =>
        Task.FromResult(JobIds.Split(jobKey) is { } parts && state.State.RecentByOwner.TryGetValue(parts.Owner, out var keys) && keys.Contains(jobKey));

    private bool AddRecent(string key)
    {
        if (JobIds.Split(key) is not { } parts)
            return false;
        if (!state.State.RecentByOwner.TryGetValue(parts.Owner, out var keys))
            state.State.RecentByOwner[parts.Owner] = keys = [];
        if (keys.Contains(key))
            return false;
        keys.Add(key);
        if (keys.Count > MaxRecentPerOwner)
            keys.RemoveAt(0);
        return true;
    }

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
