using Fleet.Inference.Captioning;
using Fleet.Inference.Classification;
using Fleet.Inference.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Fleet.Inference;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>Configuration section for model files: <c>Catalog</c>, <c>CacheDirectory</c>, <c>MirrorDirectory</c>, <c>AllowDownload</c>.</summary>
    public const string ModelsSectionName = "Fleet:Models";

    /// <summary>
    /// Registers the <see cref="ModelCatalog"/>, <see cref="ModelResolverOptions"/>, <see cref="ModelResolver"/>,
    /// <see cref="InferenceOptions"/> (from <c>Fleet:Inference</c>) and lazily loaded <see cref="ClassifierPool"/> and <see cref="CaptionerPool"/>.
    /// Environment variables (<c>FLEET_MODEL_*</c>) apply first; configuration values override them.
    /// </summary>
    public static IServiceCollection AddFleetInference(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var inferenceOptions = services.AddOptions<InferenceOptions>();
        if (configuration is not null)
        {
            inferenceOptions.Bind(configuration.GetSection(InferenceOptions.SectionName));
            inferenceOptions.Configure(o => configuration.GetSection(Imaging.ImageLimits.SectionName).Bind(o.Limits));
        }

        inferenceOptions.Validate(o => o.BatchSize > 0 && o.IntraOpThreads >= 0 && o.DeviceId >= 0, "Fleet:Inference needs BatchSize > 0, IntraOpThreads >= 0 and DeviceId >= 0.");
        inferenceOptions.Validate(
            o => o.Limits.MaxWidth > 0 && o.Limits.MaxHeight > 0 && o.Limits.MaxPixels > 0 && o.Limits.MaxAspectRatio >= 1,
            "Fleet:Limits needs MaxWidth, MaxHeight and MaxPixels > 0 and MaxAspectRatio >= 1.");

        var models = configuration?.GetSection(ModelsSectionName);
        services.AddHttpClient(ModelResolver.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(10));
        services.TryAddSingleton(_ => models?["Catalog"] is { Length: > 0 } path ? ModelCatalog.Load(path) : ModelCatalog.LoadDefault());
        services.TryAddSingleton(sp =>
        {
            var fromEnvironment = ModelResolverOptions.FromEnvironment(sp.GetRequiredService<ModelCatalog>());
            return fromEnvironment with
            {
                CacheDirectory = models?["CacheDirectory"] is { Length: > 0 } cache ? cache : fromEnvironment.CacheDirectory,
                MirrorDirectory = models?["MirrorDirectory"] is { Length: > 0 } mirror ? mirror : fromEnvironment.MirrorDirectory,
                AllowDownload = models?.GetValue<bool?>("AllowDownload") ?? fromEnvironment.AllowDownload,
            };
        });
        services.TryAddSingleton(sp => new ModelResolver(
            sp.GetRequiredService<ModelResolverOptions>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelResolver.HttpClientName),
            sp.GetService<ILogger<ModelResolver>>()));
        services.TryAddSingleton<ClassifierPool>();
        services.TryAddSingleton<CaptionerPool>();
        return services;
    }
}
