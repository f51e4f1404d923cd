using Fleet.Contracts;
using Fleet.Storage.Scaling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Jobs.Registry;

/// <summary>
/// The cluster's list of jobs that want workers, persisted so that workers of a restarted cluster find them, and
/// published as one marker per job (<see cref="IPendingWorkMarkers"/>) for the autoscaler that starts GPU silos from
/// zero, in the background and in order (<see cref="PendingWorkPublisher"/>). It also keeps
/// each owner's recent jobs (<see cref="JobIndex"/>, <see cref="JobRegistryOptions.MaxJobsPerOwner"/>): the jobs the API
/// can address, paged by registration order.
/// </summary>
public sealed class JobRegistryGrain(
    [PersistentState("registry", FleetStorageNames.GrainStorage)] IPersistentState<JobRegistryRecord> state,
    IPendingWorkMarkers markers,
    IOptions<JobRegistryOptions> options,
    ILogger<JobRegistryGrain> logger) : Grain, IJobRegistryGrain
{
    /// <summary>How long a deactivating registry waits for its marker changes still in flight.</summary>
    private static readonly TimeSpan PublishPatience = TimeSpan.FromSeconds(5);

    private JobIndex _index = null!;

    private PendingWorkPublisher _markers = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _markers = new PendingWorkPublisher(markers, logger);
        _index = new JobIndex(state.State, options.Value.MaxJobsPerOwner);
        if (_index.Changed)
            await state.WriteStateAsync(cancellationToken);
        _markers.Sync(state.State.Active);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _markers.StopAsync(PublishPatience);

    public async Task Activate(string jobId)
    {
        var added = state.State.Active.Add(jobId);
        added |= _index.Add(jobId);
        if (added)
            await state.WriteStateAsync();
        // Every time, not only when added: cheap, and a marker lost to an earlier fault comes back with the job's next activation.
        _markers.Mark(jobId);
    }

    public async Task Deactivate(string jobId)
    {
        // An ended job may be forgotten now if its owner is over the cap (active jobs are kept beyond it).
        if (state.State.Active.Remove(jobId) | (JobIds.Split(jobId) is { } parts && _index.Trim(parts.Owner)))
            await state.WriteStateAsync();
        _markers.Clear(jobId);
    }

    public Task<IReadOnlyList<string>> GetActiveJobs() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Active.Order(StringComparer.Ordinal).ToArray());

    public Task<JobKeyPage> GetJobs(string? owner, long? before, int max) => Task.FromResult(_index.Page(owner, before, max));

    public Task<bool> Knows(string jobKey) => Task.FromResult(_index.Knows(jobKey));
}
