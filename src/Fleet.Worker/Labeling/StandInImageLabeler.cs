using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Labeling;

/// <summary>
/// Labels without a model: each batch waits <see cref="StandInOptions.WaitMs"/> and every image gets the same label.
/// Batches from all shards on this silo take turns, as on one accelerator, so throughput measures how well the
/// control plane keeps that one device busy. Images are not decoded. The waits are counted on <see cref="DeviceBusyClock"/>,
/// so a benchmark reads the device's utilisation directly.
/// </summary>
public sealed class StandInImageLabeler(IOptions<StandInOptions> standIn, IOptions<InferenceOptions> inference, DeviceBusyClock busy, TimeProvider time)
    : IImageLabeler, IDisposable
{
    private static readonly IReadOnlyList<Prediction> Label = [new Prediction("stand-in", 0, 1f)];
    private readonly SemaphoreSlim _device = new(1, 1);

    public int BatchSize => inference.Value.BatchSize;

    public Task<string?> ExecutionProviderAsync(string classifier, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async Task LabelAsync(JobSpec spec, ChannelReader<EncodedImage> input, Func<ClassifiedBatch, Task> onBatch, CancellationToken cancellationToken)
    {
        await foreach (var items in input.ReadBatchesAsync(BatchSize, cancellationToken))
        {
            await _device.WaitAsync(cancellationToken);
            try
            {
                using (busy.Start())
                    await Task.Delay(TimeSpan.FromMilliseconds(standIn.Value.WaitMs), time, cancellationToken);
            }
            finally
            {
                _device.Release();
            }
            var results = Enumerable.Repeat(new ImageClassification(Label, null), items.Length).ToArray();
            await onBatch(new ClassifiedBatch(Array.ConvertAll(items, item => item.Index), results));
        }
    }

    public void Dispose() => _device.Dispose();
}
