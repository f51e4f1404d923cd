using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Security;
using Fleet.Storage.Shards;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;

namespace Fleet.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers Fleet's storage: the account behind <paramref name="connectionString"/>, datasets, results and shard manifests.</summary>
    public static IServiceCollection AddFleetStorage(this IServiceCollection services, string connectionString, StorageResilienceOptions? resilience = null) =>
        services.AddFleetStorage(new StorageAccount(connectionString), resilience);

    /// <summary>
    /// Registers Fleet's storage: <paramref name="account"/> (connection string or identity based), datasets, results and
    /// shard manifests, under the intake policy (<c>Fleet:Intake</c>, <see cref="IntakeOptions"/>) and item limits
    /// (<c>Fleet:Limits</c>, <see cref="ItemLimits"/>) bound from the host's configuration.
    /// </summary>
    public static IServiceCollection AddFleetStorage(this IServiceCollection services, StorageAccount account, StorageResilienceOptions? resilience = null)
    {
        services.AddSingleton(account);
        services.AddSingleton(StorageResilience.Create(resilience));
        services.AddSingleton(SampleDatasetCatalog.LoadDefault());
        services.AddSingleton(new SampleDatasetOptions());
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName)
            .Validate(o => o.LocalRoots.All(Path.IsPathFullyQualified), "Fleet:Intake:LocalRoots must be absolute paths")
            .ValidateOnStart();
        services.AddOptions<ItemLimits>().BindConfiguration(ItemLimits.SectionName)
            .Validate(o => o.MaxItemBytes > 0, "Fleet:Limits:MaxItemBytes must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp => IntakePolicy.For(
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value,
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<SampleDatasetOptions>()));
        services.AddHttpClient<SampleDatasetResolver>();
        // One pooled client for item and manifest downloads; recycling pooled connections picks up DNS changes in a singleton.
        // No redirects, and every connection's addresses checked by the intake policy as it is made.
        services.AddHttpClient(ItemReader.HttpClientName)
            .UseSocketsHttpHandler((handler, sp) =>
            {
                handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
                sp.GetRequiredService<IntakePolicy>().ConfigureHandler(handler);
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => new DatasetListerFactory(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<SampleDatasetResolver>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            DatasetHttpClient(sp),
            sp.GetRequiredService<IntakePolicy>()));
        services.AddSingleton(sp => new ItemReader(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            DatasetHttpClient(sp),
            sp.GetRequiredService<IntakePolicy>(),
            sp.GetRequiredService<IOptions<ItemLimits>>().Value));
        services.AddSingleton(sp => new ResultStoreFactory(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            sp.GetRequiredService<IntakePolicy>()));
        services.AddSingleton(sp => new ShardManifestStore(
            sp.GetRequiredService<StorageAccount>().Blobs.GetBlobContainerClient(ShardManifestStore.DefaultContainer),
            sp.GetRequiredService<ResiliencePipeline>()));
        return services;
    }

    private static HttpClient DatasetHttpClient(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(ItemReader.HttpClientName);
}
