namespace Fleet.Storage.Scaling;

/// <summary>
/// One marker per job that wants workers, where an autoscaler outside the cluster can count them: on Azure the GPU
/// silos' KEDA azure-blob rule scales each silo app from 0 to 1 replica while any marker exists (infra/app/silos.bicep).
/// Written and removed by the job registry only; idempotent, so a retry or a second activation changes nothing.
/// </summary>
public interface IPendingWorkMarkers
{
    /// <summary>The job wants workers.</summary>
    Task MarkAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The job wants no more workers (it succeeded, failed or was cancelled).</summary>
    Task ClearAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Makes the markers exactly <paramref name="activeJobs"/>: adds the missing, removes the stale (a clear that failed).</summary>
    Task SyncAsync(IReadOnlyCollection<string> activeJobs, CancellationToken cancellationToken);
}
