using Fleet.Inference.Captioning;
using Fleet.Inference.Classification;
using Fleet.Inference.Imaging;
using Fleet.Inference.Runtime;
using Fleet.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fleet.Inference;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// The models (<see cref="ModelsServiceCollectionExtensions.AddFleetModels"/>), <see cref="InferenceOptions"/> (bound
    /// from Fleet:Inference) and the lazily loaded <see cref="ClassifierPool"/> and <see cref="CaptionerPool"/>.
    /// </summary>
    public static IServiceCollection AddFleetInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName)
            // The image limits are their own section (Fleet:Limits), beside the storage's item limits.
            .Configure<IConfiguration>((o, configuration) => configuration.GetSection(ImageLimits.SectionName).Bind(o.Limits))
            .Validate(o => o.BatchSize > 0 && o.IntraOpThreads >= 0 && o.DeviceId >= 0 && o.DecodeThreads >= 0,
                "Fleet:Inference needs BatchSize > 0, IntraOpThreads >= 0, DecodeThreads >= 0 and DeviceId >= 0.")
            .Validate(o => !o.Cuda.Problems().Any(), "Fleet:Inference:Cuda has an invalid value (CudnnConvAlgoSearch: EXHAUSTIVE|HEURISTIC|DEFAULT; ArenaExtendStrategy: kNextPowerOfTwo|kSameAsRequested; GpuMemoryLimit >= 0).")
            .Validate(o => o.Limits.MaxWidth > 0 && o.Limits.MaxHeight > 0 && o.Limits.MaxPixels > 0 && o.Limits.MaxAspectRatio >= 1,
                "Fleet:Limits needs MaxWidth, MaxHeight and MaxPixels > 0 and MaxAspectRatio >= 1.")
            .ValidateOnStart();
        services.AddFleetModels();
        services.TryAddSingleton<ClassifierPool>();
        // The silo's decoders: sized to the cores (Fleet:Inference:DecodeThreads), shared by every shard's pipeline.
        services.TryAddSingleton(sp => new DecodeWorkers(sp.GetRequiredService<IOptions<InferenceOptions>>().Value.DecodeThreads));
        services.TryAddSingleton<CaptionerPool>();
        return services;
    }
}
