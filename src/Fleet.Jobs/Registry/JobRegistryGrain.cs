using Fleet.Contracts;

namespace Fleet.Jobs.Registry;

/// <summary>The cluster's list of jobs that want workers, persisted so that workers of a restarted cluster find them.</summary>
public sealed class JobRegistryGrain(
    [PersistentState("registry", FleetStorageNames.GrainStorage)] IPersistentState<JobRegistryRecord> state) : Grain, IJobRegistryGrain
{
    private const int MaxRecent = 1000;

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
    }

    public async Task Deactivate(string jobId)
    {
        if (state.State.Active.Remove(jobId))
            await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> GetActiveJobs() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Active.Order(StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<string>> GetRecentJobs(int max) =>
        Task.FromResult<IReadOnlyList<string>>(Enumerable.Reverse(state.State.Recent).Take(max).ToArray());
}
