using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Labeling;

/// <summary>The real labeler: the job's classifier from this silo's pool, with decode overlapping inference.</summary>
public sealed class ModelImageLabeler(ClassifierPool classifiers, IOptions<InferenceOptions> options) : IImageLabeler
{
    public int BatchSize => options.Value.BatchSize;

    public async Task LabelAsync(JobSpec spec, ChannelReader<EncodedImage> input, Func<ClassifiedBatch, Task> onBatch, CancellationToken cancellationToken)
    {
        var classifier = await classifiers.GetAsync(spec.Classifier, cancellationToken);
        await ClassificationPipeline.RunAsync(classifier, input, spec.TopK, onBatch, cancellationToken);
    }
}
