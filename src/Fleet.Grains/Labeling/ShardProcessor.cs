using System.Diagnostics;
using Fleet.Contracts;
using Fleet.Grains.Jobs;
using Fleet.Inference.Classification;
using Fleet.Inference.Models;
using Fleet.Storage.Datasets;
using Fleet.Storage.Results;
using Fleet.Storage.Shards;

namespace Fleet.Grains.Labeling;

/// <summary>
/// Runs one shard end to end: reads its manifest, downloads the images (bounded parallelism, retried),
/// decodes and classifies them in batches, and commits the shard's part. Plain .NET, off the grain scheduler.
/// </summary>
public sealed class ShardProcessor(
    ShardManifestStore manifests,
    ItemReader reader,
    ResultStoreFactory results,
    ClassifierPool classifiers,
    ModelCatalog catalog,
    FleetMetrics metrics)
{
    private const int ParallelReads = 8;

    /// <summary>Throws when the spec names a model this silo cannot run.</summary>
    public void Validate(JobSpec spec)
    {
        var model = catalog.Get(spec.Classifier);
        if (!model.IsKind(ModelKinds.Classifier))
            throw new ArgumentException($"model '{spec.Classifier}' is a {model.Kind}, not a classifier");
    }

    public IReadOnlyDictionary<string, ModelFingerprint> Fingerprints(JobSpec spec) => new Dictionary<string, ModelFingerprint>
    {
        ["classifier"] = new(spec.Classifier, catalog.Get(spec.Classifier).Sha256, new Dictionary<string, string> { ["topK"] = spec.TopK.ToString() }),
    };

    public async Task<ShardOutcome> RunAsync(string jobId, int shard, JobSpec spec, CancellationToken cancellationToken)
    {
        using var activity = FleetMetrics.Activities.StartActivity("shard");
        activity?.SetTag("fleet.job", jobId);
        activity?.SetTag("fleet.shard", shard);
        var clock = Stopwatch.StartNew();

        var uris = await manifests.ReadAsync(jobId, shard, cancellationToken);
        var classifier = await classifiers.GetAsync(spec.Classifier);
        var models = new ResultModels(spec.Classifier, spec.Captioner);

        var encoded = new byte[uris.Count][];
        var readErrors = new string?[uris.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, uris.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    encoded[i] = await reader.ReadAsync(uris[i], ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    readErrors[i] = $"read: {e.Message}";
                }
            });

        var readable = Enumerable.Range(0, uris.Count).Where(i => readErrors[i] is null).ToArray();
        var classified = classifier.ClassifyEncoded(readable.Select(i => (ReadOnlyMemory<byte>)encoded[i]).ToArray(), spec.TopK, cancellationToken);

        var rows = new List<string>(uris.Count);
        var errors = new List<string>();
        for (var k = 0; k < readable.Length; k++)
        {
            var uri = ItemReader.Display(uris[readable[k]]);
            var result = classified[k];
            if (result.Succeeded)
            {
                rows.Add(new ResultRow
                {
                    Uri = uri,
                    Labels = result.Predictions.Select(p => new ResultLabel(p.Label, p.ClassId, MathF.Round(p.Score, 5))).ToArray(),
                    Model = models,
                    Shard = shard,
                }.ToJson());
            }
            else
            {
                errors.Add(new ResultRow { Uri = uri, Error = $"decode: {result.Error}", Model = models, Shard = shard }.ToJson());
            }
        }
        for (var i = 0; i < uris.Count; i++)
        {
            if (readErrors[i] is { } error)
                errors.Add(new ResultRow { Uri = ItemReader.Display(uris[i]), Error = error, Model = models, Shard = shard }.ToJson());
        }

        await results.Create(spec.Output).CommitShardAsync(jobId, shard, rows, errors, cancellationToken);

        metrics.ImagesLabeled.Add(rows.Count);
        metrics.ImagesFailed.Add(errors.Count);
        metrics.ShardDuration.Record(clock.Elapsed.TotalSeconds);
        activity?.SetTag("fleet.images", uris.Count);
        return new ShardOutcome(rows.Count, errors.Count);
    }
}
