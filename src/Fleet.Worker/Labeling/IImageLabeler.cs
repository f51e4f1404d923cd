using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Inference.Classification;

namespace Fleet.Worker.Labeling;

/// <summary>
/// What a shard's downloaded images go through to become labels: the job's classifier (<see cref="ModelImageLabeler"/>),
/// or, for control-plane benchmarks, a stand-in that only waits (<see cref="StandInImageLabeler"/>).
/// </summary>
public interface IImageLabeler
{
    /// <summary>Images per batch, which also sizes the shard's download buffer.</summary>
    int BatchSize { get; }

    /// <summary>
    /// Labels <paramref name="input"/> until it completes, handing each batch to <paramref name="onBatch"/> in order.
    /// Once a batch is handed over, the labeler no longer reads those images' bytes: the caller reuses their buffers.
    /// </summary>
    Task LabelAsync(JobSpec spec, ChannelReader<EncodedImage> input, Func<ClassifiedBatch, Task> onBatch, CancellationToken cancellationToken);

    /// <summary>The ONNX Runtime provider that runs <paramref name="classifier"/> on this silo (for the rows); null when no model runs.</summary>
    Task<string?> ExecutionProviderAsync(string classifier, CancellationToken cancellationToken);
}
