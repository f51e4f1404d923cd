using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Shards;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace Fleet.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers Fleet's storage: the account behind <paramref name="connectionString"/>, datasets, results and shard manifests.</summary>
    public static IServiceCollection AddFleetStorage(this IServiceCollection services, string connectionString, StorageResilienceOptions? resilience = null) =>
        services.AddFleetStorage(new StorageAccount(connectionString), resilience);

    /// <summary>Registers Fleet's storage: <paramref name="account"/> (connection string or identity based), datasets, results and shard manifests.</summary>
    public static IServiceCollection AddFleetStorage(this IServiceCollection services, StorageAccount account, StorageResilienceOptions? resilience = null)
    {
        services.AddSingleton(account);
        services.AddSingleton(StorageResilience.Create(resilience));
        services.AddSingleton(SampleDatasetCatalog.LoadDefault());
        services.AddSingleton(new SampleDatasetOptions());
        services.AddHttpClient<SampleDatasetResolver>();
        // One pooled client for item and manifest downloads; recycling pooled connections picks up DNS changes in a singleton.
        services.AddHttpClient(ItemReader.HttpClientName)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => new DatasetListerFactory(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<SampleDatasetResolver>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            DatasetHttpClient(sp)));
        services.AddSingleton(sp => new ItemReader(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            DatasetHttpClient(sp)));
        services.AddSingleton<ResultStoreFactory>();
        services.AddSingleton(sp => new ShardManifestStore(
            sp.GetRequiredService<StorageAccount>().Blobs.GetBlobContainerClient(ShardManifestStore.DefaultContainer),
            sp.GetRequiredService<ResiliencePipeline>()));
        return services;
    }

    private static HttpClient DatasetHttpClient(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(ItemReader.HttpClientName);
}
