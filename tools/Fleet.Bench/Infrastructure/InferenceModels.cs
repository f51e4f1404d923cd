using Fleet.Contracts;
using Fleet.Inference;
using Fleet.Inference.Captioning;
using Fleet.Inference.Classification;
using Microsoft.Extensions.Configuration;
using Fleet.ServiceDefaults;
using Fleet.Worker.Captioning;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Bench.Infrastructure;

/// <summary>
/// The classifier and caption model exactly as a silo gets them: Fleet.Inference's registrations over the same
/// configuration (environment variables, so <c>--set</c> reaches both the bare loops and the embedded silos).
/// </summary>
internal sealed class InferenceModels : IDisposable
{
    private readonly ServiceProvider _services;

    private InferenceModels(ServiceProvider services, ImageClassifier classifier, CaptionGenerator? captioner)
    {
        _services = services;
        Classifier = classifier;
        Captioner = captioner;
    }

    public ImageClassifier Classifier { get; }

    /// <summary>The catalog classifier every scenario uses, in the loops and in the engine's jobs (<c>--classifier</c>).</summary>
    public static string ClassifierName { get; set; } = JobSpec.DefaultClassifier;

    public CaptionGenerator? Captioner { get; }

    /// <summary>The caption settings a job with default <see cref="CaptionOptions"/> runs with (as the caption grain maps them).</summary>
    public static CaptionSettings JobCaptionSettings { get; } = new CaptionOptions().ToSettings();

    public static int PromptLabels => new CaptionOptions().PromptLabels;

    public static async Task<InferenceModels> LoadAsync(bool withCaptioner)
    {
        var configuration = new ConfigurationBuilder().AddFleetEnvironmentVariables().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddFleetInference().BuildServiceProvider();
        // "auto" resolves as a silo on this machine resolves it, so the loops run what the engine's jobs run.
        var choice = ActivatorUtilities.CreateInstance<Fleet.Worker.Labeling.ClassifierChoice>(services, services.GetRequiredService<ClassifierPool>());
        var classifier = await services.GetRequiredService<ClassifierPool>().GetAsync(await choice.ResolveAsync(ClassifierName));
        var captioner = withCaptioner ? await services.GetRequiredService<CaptionerPool>().GetAsync(JobSpec.DefaultCaptioner) : null;
        return new InferenceModels(services, classifier, captioner);
    }

    /// <summary>The classifier's model file as the resolver finds it (repo, cache, mirror), for the reference pipeline.</summary>
    public async Task<string> ResolveClassifierPathAsync() =>
        await _services.GetRequiredService<Fleet.Models.ModelResolver>().ResolveAsync(Classifier.Model);

    /// <summary>Captions for classified images, as the caption grain asks for them (labels with scores, keyed by image).</summary>
    public IReadOnlyList<string> Caption(IEnumerable<ImageClassification> classified) =>
        Captioner!.Generate(
            [.. classified.Where(c => c.Succeeded).Select((c, i) => new Fleet.Inference.Captioning.Grounding.CaptionRequest(c.Predictions, $"image{i}"))],
            JobCaptionSettings);

    public void Dispose() => _services.Dispose();
}
