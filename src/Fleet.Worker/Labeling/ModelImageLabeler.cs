using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Labeling;

/// <summary>
/// The real labeler: the job's classifier from this silo's pool, with decode (on the silo's shared decoders) overlapping
/// inference; model runs mark the silo's busy clock, published beside the decoders' figures.
/// </summary>
public sealed class ModelImageLabeler(ClassifierPool classifiers, DecodeWorkers decoders, DeviceBusyClock modelBusy, IOptions<InferenceOptions> options) : IImageLabeler
{
    public int BatchSize => options.Value.BatchSize;

    public async Task LabelAsync(JobSpec spec, ChannelReader<EncodedImage> input, Func<ClassifiedBatch, Task> onBatch, CancellationToken cancellationToken)
    {
        var classifier = await classifiers.GetAsync(spec.Classifier, cancellationToken);
        await ClassificationPipeline.RunAsync(classifier, decoders, input, spec.TopK, onBatch, () => modelBusy.Start(), cancellationToken);
    }

    public async Task<string?> ExecutionProviderAsync(string classifier, CancellationToken cancellationToken) =>
        (await classifiers.GetAsync(classifier, cancellationToken)).ExecutionProvider;
}
