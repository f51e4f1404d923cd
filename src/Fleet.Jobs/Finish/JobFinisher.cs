using Fleet.Models;
using Fleet.Storage.Results;
using Fleet.Storage.Security;

namespace Fleet.Jobs.Finish;

/// <summary>
/// Writes {output}/{jobId}/_SUCCESS.json once every shard is committed: counts, parts, model fingerprints, timings; but
/// only when the output really holds one data part per shard (<see cref="MissingParts"/>).
/// </summary>
public sealed class JobFinisher(ModelCatalog catalog, JobClock clock)
{
    /// <returns>The shards whose part is missing; empty when _SUCCESS.json was written.</returns>
    public async Task<IReadOnlyList<int>> WriteSuccessAsync(string jobId, JobRecord job, IResultStore results, CancellationToken cancellationToken)
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
}
