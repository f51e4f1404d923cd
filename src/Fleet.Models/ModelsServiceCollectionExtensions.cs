using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Models;

public static class ModelsServiceCollectionExtensions
{
    /// <summary>The <see cref="ModelCatalog"/> and the <see cref="ModelResolver"/> that finds its files (Fleet:Models).</summary>
    public static IServiceCollection AddFleetModels(this IServiceCollection services)
    {
        services.AddOptions<ModelsOptions>().BindConfiguration(ModelsOptions.SectionName);
        services.AddHttpClient(ModelResolver.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(10));
        services.TryAddSingleton(sp => ModelCatalog.LoadDefault(sp.GetRequiredService<IOptions<ModelsOptions>>().Value.Catalog));
        services.TryAddSingleton(sp => ModelResolverOptions.From(sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<IOptions<ModelsOptions>>().Value));
        services.TryAddSingleton(sp => new ModelResolver(
            sp.GetRequiredService<ModelResolverOptions>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelResolver.HttpClientName),
            sp.GetService<ILogger<ModelResolver>>()));
        return services;
    }
}
