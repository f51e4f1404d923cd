using Fleet.Jobs.Planning;
using Fleet.Models;
using Fleet.Storage.Results;
using Fleet.Storage.Security;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Logging;

namespace Fleet.Jobs.Finish;

/// <summary>
/// Finishes a job whose shards are all committed: writes {output}/{jobId}/_SUCCESS.json (counts, the parts' count
/// and naming rule, model fingerprints, timings), but only when the output really holds one data part per shard (<see cref="MissingParts"/>).
/// The shard manifests are deleted after the job says Succeeded (<see cref="DeleteManifestsAsync"/>): at 1.5M shards
/// that takes many minutes, which no report should wait for.
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
        return new FinishOutcome.Succeeded();
    }

    /// <returns>The shards whose part is missing; empty when _SUCCESS.json was written.</returns>
    private async Task<IReadOnlyList<int>> WriteSuccessAsync(string jobId, JobRecord job, IResultStore results, CancellationToken cancellationToken)
    {
        var spec = job.Spec!;
        var format = ResultPartFormats.For(spec.Format);
        var seen = new MissingParts(jobId, job.ShardCount, format);
        await foreach (var part in results.ListPartsAsync(jobId, cancellationToken))
            seen.Saw(part);
        if (seen.Missing() is { Count: > 0 } missing)
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
            Parts = PartsManifest.For(jobId, job.ShardCount, seen.ErrorParts, format),
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

    /// <summary>
    /// The manifests may hold the dataset's SAS URIs; only a succeeded job never reads them again (a resume does).
    /// False when they could not all be deleted (logged): the job tries again on its next activation.
    /// </summary>
    public async Task<bool> DeleteManifestsAsync(string jobId)
    {
        try
        {
            await manifests.DeleteJobAsync(jobId, CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning("Job {JobId} succeeded but its shard manifests could not be deleted: {Message}", jobId, SecretRedactor.Text(e.Message));
            return false;
        }
    }
}
