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
    public static IServiceCollection AddFleetStorage(this IServiceCollection services, string connectionString, StorageResilienceOptions? resilience = null)
    {
        services.AddSingleton(new StorageAccount(connectionString));
        services.AddSingleton(StorageResilience.Create(resilience));
        services.AddSingleton(SampleDatasetCatalog.LoadDefault());
        services.AddSingleton(new SampleDatasetOptions());
        services.AddHttpClient<SampleDatasetResolver>();
        services.AddSingleton<DatasetListerFactory>();
        services.AddSingleton<ItemReader>();
        services.AddSingleton<ResultStoreFactory>();
        services.AddSingleton(sp => new ShardManifestStore(
            sp.GetRequiredService<StorageAccount>().Blobs.GetBlobContainerClient(ShardManifestStore.DefaultContainer),
            sp.GetRequiredService<ResiliencePipeline>()));
        return services;
    }
}
