using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Inference.Classification;
using Fleet.Storage.Datasets;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Security;
using Fleet.Storage.Shards;
using Fleet.Telemetry;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Labeling;

/// <summary>
/// Runs one leased shard: reads its manifest, downloads the images (bounded parallelism, retried) into a bounded
/// channel, labels them in batches as they arrive (<see cref="IImageLabeler"/>), and stages the rows under the lease's id.
/// Downloads overlap decode and inference; the bounded channel keeps memory flat. Image bytes are read into buffers
/// rented from <see cref="ImageBuffers"/> and returned as soon as their batch is labeled. Plain .NET, off the grain scheduler.
/// </summary>
public sealed class ShardProcessor(
    IShardManifestStore manifests,
    ManifestSlices slices,
    ItemReader reader,
    ResultStoreFactory results,
    IImageLabeler labeler,
    ClassifierChoice classifierChoice,
    IGrainFactory grains,
    ForeignHostBudget foreignHosts,
    FleetMetrics metrics,
    ILogger<ShardProcessor> logger)
{
    private const int ParallelReads = 8;

    /// <summary>
    /// Where downloaded images are read into; each goes back once its batch has come out of the labeler. Its own pool, not
    /// ArrayPool.Shared: that one keeps 32 arrays per size and core, fewer than the images a silo has in flight at once
    /// (capacity x (channel + reads + the labeler's batches), about 180), so half the reads still allocated.
    /// </summary>
    private static readonly ArrayPool<byte> ImageBuffers = ArrayPool<byte>.Create(maxArrayLength: 8 * 1024 * 1024, maxArraysPerBucket: 256);

    /// <summary>The error row of an image that stopped workers (an isolated shard's poisoned image).</summary>
    public const string PoisonError = "poison: processing this image stopped the worker more than once; it was skipped";

    /// <param name="lease">The shard to run.</param>
    /// <param name="beforeIsolatedItem">For an isolated lease: tells the job which image comes next; false = stop (lease lost).</param>
    /// <param name="cancellationToken">Stops the shard.</param>
    public async Task<ProcessedShard> RunAsync(ShardLease lease, Func<int, Task<bool>> beforeIsolatedItem, CancellationToken cancellationToken)
    {
        using var activity = FleetTelemetry.Activities.StartActivity("label");
        activity?.SetTag("fleet.job", lease.JobId);
        activity?.SetTag("fleet.shard", lease.Shard);
        var clock = Stopwatch.StartNew();
        // "auto" becomes this silo's classifier for its hardware; the rows name the model and where it ran.
        var spec = lease.Spec with { Classifier = await classifierChoice.ResolveAsync(lease.Spec.Classifier) };
        var provider = await labeler.ExecutionProviderAsync(spec.Classifier, cancellationToken);

        // A text manifest's shard is its byte range, read from the manifest itself; any other shard has a manifest of its own.
        var items = lease.Slice is { } slice
            ? await slices.ReadShardAsync(lease.Spec.Dataset, new SliceBounds(slice.Start, slice.End, slice.Version, slice.DataStart), cancellationToken)
            : await manifests.ReadAsync(lease.JobId, lease.Shard, cancellationToken);
        IReadOnlyList<string> uris = [.. items.Select(i => i.Uri)];
        // One line per shard run started, and one when it is processed: the fault drill adds them up (work done twice).
        logger.LogInformation("Job {JobId} shard {Shard} started: {Images} images", lease.JobId, lease.Shard, uris.Count);
        var shard = new ShardRows(uris, [.. items.Select(i => i.Range)], new ResultModels(spec.Classifier, spec.Captioner, provider), lease.Shard);
        if (lease.Isolate)
        {
            // A suspect shard: one image at a time, the job told which before each, so an image that stops this worker
            // is named; images found to do so before are error rows, never read again.
            for (var i = 0; i < uris.Count; i++)
            {
                if (lease.Poisoned.Contains(i))
                {
                    shard.Errors[i] = ErrorRow(uris[i], PoisonError, shard.Models, lease.Shard);
                    continue;
                }
                if (!await beforeIsolatedItem(i))
                    throw new ShardSupersededException("the isolated lease was lost");
                await ProcessAsync(lease.JobId, spec, shard, [i], cancellationToken);
            }
            // Nothing is in flight while the shard is staged and committed: a crash now is not the last image's fault.
            if (!await beforeIsolatedItem(ShardLease.PastLastImage))
                throw new ShardSupersededException("the isolated lease was lost");
        }
        else
        {
            await ProcessAsync(lease.JobId, spec, shard, Enumerable.Range(0, uris.Count).ToArray(), cancellationToken);
        }

        var done = WithInputColumns(shard.Rows, items);
        var failed = WithInputColumns(shard.Errors, items);
        var staged = await results.Create(spec.Output).StageShardAsync(lease.JobId, lease.Shard, lease.LeaseId, done, failed, ResultPartFormats.For(spec.Format), cancellationToken);

        logger.LogInformation("Job {JobId} shard {Shard} processed: {Images} images in {Seconds:0.0} s", lease.JobId, lease.Shard, uris.Count, clock.Elapsed.TotalSeconds);
        metrics.ImagesLabeled.Add(done.Length);
        metrics.ImagesFailed.Add(failed.Length);
        metrics.ShardDuration.Record(clock.Elapsed.TotalSeconds);
        activity?.SetTag("fleet.images", uris.Count);
        return new ProcessedShard(staged, new ShardReport(done.Length, failed.Length) { Classifier = spec.Classifier, Provider = provider, Seconds = clock.Elapsed.TotalSeconds });
    }

    /// <summary>Downloads and labels the images at <paramref name="indices"/>, overlapping the two through a bounded channel.</summary>
    private async Task ProcessAsync(string jobId, JobSpec spec, ShardRows shard, IReadOnlyList<int> indices, CancellationToken cancellationToken)
    {
        var downloaded = Channel.CreateBounded<EncodedImage>(new BoundedChannelOptions(labeler.BatchSize * 2)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // If either stage fails the other must stop too, or a full channel would block the downloads forever.
        using var stages = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var download = DownloadAsync(jobId, shard.Uris, shard.Ranges, indices, ItemScope(spec), downloaded.Writer, shard.Buffers, shard.Errors, shard.Models, shard.Shard, stages.Token);
        var label = LabelAsync(spec, shard.Uris, downloaded.Reader, shard.Buffers, shard.Rows, shard.Errors, shard.Models, shard.Shard, stages.Token);
        _ = label.ContinueWith(_ => stages.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await Task.WhenAll(download, label);
    }

    /// <summary>
    /// One shard's rows and error rows by manifest position, and the rented buffer behind each downloaded image until its
    /// batch is labeled. If the shard fails, buffers still here are left to the GC: a labeler that stopped may still read them.
    /// </summary>
    private sealed class ShardRows(IReadOnlyList<string> uris, IReadOnlyList<ItemRange?> ranges, ResultModels models, int shard)
    {
        public IReadOnlyList<string> Uris { get; } = uris;

        /// <summary>Where each item lies inside the object its URI names (a tar member); null: the whole object.</summary>
        public IReadOnlyList<ItemRange?> Ranges { get; } = ranges;
        public ResultModels Models { get; } = models;
        public int Shard { get; } = shard;
        public ResultRow?[] Rows { get; } = new ResultRow?[uris.Count];
        public ResultRow?[] Errors { get; } = new ResultRow?[uris.Count];
        public byte[]?[] Buffers { get; } = new byte[]?[uris.Count];
    }

    /// <summary>
    /// The principal's dataset places, for the items of a manifest (which may name anything); null for a folder, prefix or
    /// sample listing, whose items lie in the dataset admission already checked.
    /// </summary>
    private static PrincipalScope? ItemScope(JobSpec spec) =>
        ManifestFileLister.TryLocate(spec.Dataset, out _, out _) ? PrincipalScope.Of(spec.Scope?.Datasets, null, spec.Scope?.Source) : null;

    private async Task DownloadAsync(string jobId, IReadOnlyList<string> uris, IReadOnlyList<ItemRange?> ranges, IReadOnlyList<int> indices, PrincipalScope? scope, ChannelWriter<EncodedImage> output, byte[]?[] buffers, ResultRow?[] errors, ResultModels models, int shard, CancellationToken cancellationToken)
    {
        try
        {
            await Parallel.ForEachAsync(indices,
                new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    ItemBytes item;
                    var host = foreignHosts.HostOf(uris[i]);
                    if (host is not null && foreignHosts.Spent(jobId, host) is { } spent)
                    {
                        errors[i] = ErrorRow(uris[i], $"{ItemErrorKinds.Read}: {SecretRedactor.Text(spent)}", models, shard);
                        return;
                    }
                    try
                    {
                        scope?.CheckItem(uris[i]);
                        item = await reader.ReadAsync(uris[i], ranges[i], ImageBuffers, ct);
                        if (host is not null)
                            foreignHosts.Succeeded(jobId, host);
                    }
                    catch (ForeignHostUnavailableException e)
                    {
                        // Another host is down, not the fleet's storage: this item is an error row, and the host's budget shrinks.
                        foreignHosts.Failed(jobId, e);
                        errors[i] = ErrorRow(uris[i], ItemErrorKinds.Describe(e), models, shard);
                        return;
                    }
                    catch (Exception e) when (StorageUnavailableException.IsOutage(e))
                    {
                        // Storage is down, the image is not bad: the whole shard goes back to the queue (ShardWorker).
                        throw new StorageUnavailableException($"reading {ItemReader.Display(uris[i])}: {e.Message}", e);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        errors[i] = ErrorRow(uris[i], ItemErrorKinds.Describe(e), models, shard);
                        return;
                    }
                    if (item.Pooled)
                        buffers[i] = item.Buffer;
                    metrics.QueuedImages.Add(1);
                    await output.WriteAsync(new EncodedImage(i, item.Memory), ct);
                });
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    private async Task LabelAsync(JobSpec spec, IReadOnlyList<string> uris, ChannelReader<EncodedImage> input,
        byte[]?[] buffers, ResultRow?[] rows, ResultRow?[] errors, ResultModels models, int shard, CancellationToken cancellationToken)
    {
        // The model labeler decodes the next batch while the model runs this one; rows are built as each batch lands.
        await labeler.LabelAsync(spec, input, async batch =>
        {
            // The labeler is done with these images' bytes once it hands their batch over (IImageLabeler).
            foreach (var index in batch.Indices)
            {
                if (buffers[index] is { } buffer)
                {
                    buffers[index] = null;
                    ImageBuffers.Return(buffer);
                }
            }

            using var activity = FleetTelemetry.Activities.StartActivity("batch");
            activity?.SetTag("fleet.images", batch.Indices.Count);
            metrics.QueuedImages.Add(-batch.Indices.Count);
            var results = batch.Results;
            var labeled = Enumerable.Range(0, results.Count).Where(k => results[k].Succeeded).ToArray();
            var captions = await CaptionAsync(spec, [.. labeled.Select(k => new CaptionInput(
                ItemReader.Display(uris[batch.Indices[k]]),
                [.. results[k].Predictions.Select(p => new CaptionLabel(p.Label, p.ClassId, p.Score))]))]);
            for (var j = 0; j < labeled.Length; j++)
            {
                var index = batch.Indices[labeled[j]];
                rows[index] = new ResultRow
                {
                    Uri = ItemReader.Display(uris[index]),
                    Labels = results[labeled[j]].Predictions.Select(p => new ResultLabel(p.Label, p.ClassId, MathF.Round(p.Score, 5))).ToArray(),
                    Caption = captions?[j],
                    Model = models,
                    Shard = shard,
                };
            }
            for (var k = 0; k < results.Count; k++)
            {
                if (!results[k].Succeeded)
                    errors[batch.Indices[k]] = ErrorRow(uris[batch.Indices[k]], $"{results[k].ErrorKind ?? "decode"}: {results[k].Error}", models, shard);
            }
        }, cancellationToken);
    }

    /// <summary>The rows that were made, in manifest order, each with its item's manifest columns (an "id" in the user's CSV arrives in their results).</summary>
    private static ResultRow[] WithInputColumns(ResultRow?[] rows, IReadOnlyList<ShardItem> items) =>
        [.. rows.Select((row, i) => row is null || items[i].Columns is null ? row : row with { Input = InputColumns.ToFields(items[i].Columns) })
            .Where(r => r is not null).Select(r => r!)];

    /// <summary>Hands the labeled batch to the caption grain on this silo; null when the job has no captioner.</summary>
    private async Task<IReadOnlyList<string>?> CaptionAsync(JobSpec spec, IReadOnlyList<CaptionInput> images)
    {
        if (spec.Captioner is null || images.Count == 0)
            return null;
        return await grains.GetGrain<ICaptionGrain>(0).Caption(spec.Captioner, spec.Caption, images);
    }

    private static ResultRow ErrorRow(string uri, string error, ResultModels models, int shard) =>
        new() { Uri = ItemReader.Display(uri), Error = error, Model = models, Shard = shard };
}
