using Fleet.Jobs.Planning;
using Fleet.Models;
using Fleet.Storage.Results;
using Fleet.Storage.Security;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Logging;

namespace Fleet.Jobs.Finish;

/// <summary>
/// Finishes a job whose shards are all committed: writes {output}/{jobId}/_SUCCESS.json (counts, parts, model
/// fingerprints, timings), but only when the output really holds one data part per shard (<see cref="MissingParts"/>),
/// then deletes the shard manifests.
/// </summary>
public sealed class JobFinisher(ModelCatalog catalog, IShardManifestStore manifests, ManifestSlicePlanner slices, JobClock clock, ILogger<JobFinisher> logger)
{
    public async Task<FinishOutcome> FinishAsync(string jobId, JobRecord job, IResultStore results, CancellationToken cancellationToken)
    {
        try
        {
            if (await WriteSuccessAsync(jobId, job, results, cancellationToken) is { Count: > 0 } missing)
            {
                // A slice's image count is known only to the worker that read it: read again, so the counters stay exact.
                if (job.Plan is { } plan)
                    await slices.CountAsync(job.Spec!, plan, missing, cancellationToken);
                return new FinishOutcome.Reopen(missing);
            }
        }
        catch (Exception e)
        {
            logger.LogError("Job {JobId} could not write its success marker: {Error}: {Message}", jobId, e.GetType().Name, SecretRedactor.Text(e.Message));
            return FinishOutcome.Failed.By(e);
        }
        // Before the state says Succeeded: every shard is committed, so nothing reads them again even if the job grain
        // dies here and finishes once more on re-activation.
        await DeleteManifestsAsync(jobId);
        return new FinishOutcome.Succeeded();
    }

    /// <returns>The shards whose part is missing; empty when _SUCCESS.json was written.</returns>
    private async Task<IReadOnlyList<int>> WriteSuccessAsync(string jobId, JobRecord job, IResultStore results, CancellationToken cancellationToken)
    {
        var spec = job.Spec!;
        var parts = new List<string>();
        await foreach (var part in results.ListPartsAsync(jobId, cancellationToken))
            parts.Add(part);
        var format = ResultPartFormats.For(spec.Format);
        var missing = MissingParts.Of(jobId, job.ShardCount, parts, format);
        if (missing.Count > 0)
            return missing;
        var finishedAt = clock.Time.GetUtcNow();
        var manifest = new SuccessManifest
        {
            JobId = jobId,
            Dataset = SecretRedactor.Uri(spec.Dataset),
            Output = results.Describe(),
            Images = job.ImagesTotal,
            Succeeded = job.ImagesSucceeded,
            Failed = job.ImagesFailed,
            Shards = job.ShardCount,
            Parts = parts,
            Format = format.Name,
            SchemaVersion = ResultRow.SchemaVersion,
            Models = ModelFingerprints.Of(spec, job.ClassifierRuns, catalog),
            ClassifierRuns = ModelFingerprints.Runs(job.ClassifierRuns, catalog),
            StartedAt = job.CreatedAt,
            FinishedAt = finishedAt,
            Seconds = (finishedAt - (job.CreatedAt ?? finishedAt)).TotalSeconds,
        };
        await results.WriteSuccessAsync(jobId, manifest.ToJson(), cancellationToken);
        return [];
    }

    /// <summary>The manifests may hold the dataset's SAS URIs; only a finished job never reads them again (a resume does).</summary>
    private async Task DeleteManifestsAsync(string jobId)
    {
        try
        {
            await manifests.DeleteJobAsync(jobId, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning("Job {JobId} succeeded but its shard manifests could not be deleted: {Message}", jobId, SecretRedactor.Text(e.Message));
        }
    }
}
