using System.Diagnostics.Metrics;
using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Scaling;
using Fleet.Storage.Security;
using Fleet.Storage.Shards;
using Fleet.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;

namespace Fleet.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Fleet's storage: <paramref name="account"/> (connection string or identity based), datasets, results and shard
    /// manifests, under the intake policy (<c>Fleet:Intake</c>, <see cref="IntakeOptions"/>) and item limits
    /// (<c>Fleet:Limits</c>, <see cref="ItemLimits"/>), with Fleet:Storage:Resilience and Fleet:Samples, all bound from configuration.
    /// </summary>
    public static IServiceCollection AddFleetStorage(this IServiceCollection services, StorageAccount account)
    {
        services.AddSingleton(account);
        services.AddOptions<StorageResilienceOptions>().BindConfiguration(StorageResilienceOptions.SectionName)
            .Validate(o => o.MaxRetryAttempts >= 0 && o.AttemptTimeout > TimeSpan.Zero && o.ChaosFaultRate is >= 0 and <= 1,
                $"{StorageResilienceOptions.SectionName} needs MaxRetryAttempts >= 0, AttemptTimeout > 0 and 0 <= ChaosFaultRate <= 1.")
            .ValidateOnStart();
        services.AddOptions<SampleDatasetOptions>().BindConfiguration(SampleDatasetOptions.SectionName);
        // One pipeline per endpoint: the fleet account's (also the plain ResiliencePipeline every internal store takes) and
        // one for each call to a foreign host, so a stranger's dead host never opens the fleet's breaker (StoragePipelines).
        services.AddSingleton(sp => new StoragePipelines(
            sp.GetRequiredService<IOptions<StorageResilienceOptions>>().Value,
            sp.GetRequiredService<StorageAccount>().Blobs.Uri,
            sp.GetRequiredService<IMeterFactory>().Create(FleetTelemetry.MeterName)));
        services.AddSingleton(sp => sp.GetRequiredService<StoragePipelines>().Fleet);
        services.AddSingleton(SampleDatasetCatalog.LoadDefault());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SampleDatasetOptions>>().Value);
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName)
            .Validate(o => o.LocalRoots.All(Path.IsPathFullyQualified), "Fleet:Intake:LocalRoots must be absolute paths")
            .ValidateOnStart();
        services.AddOptions<ItemLimits>().BindConfiguration(ItemLimits.SectionName)
            .Validate(o => o.MaxItemBytes > 0, "Fleet:Limits:MaxItemBytes must be positive")
            .Validate(o => o.MaxManifestLineLength > 0 && o.MaxManifestLines > 0 && o.MaxShardsPerJob > 0 && o.MaxTarMembers > 0,
                "Fleet:Limits:MaxManifestLineLength, MaxManifestLines, MaxShardsPerJob and MaxTarMembers must be positive")
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
            sp.GetRequiredService<IntakePolicy>(),
            sp.GetRequiredService<IOptions<ItemLimits>>().Value));
        services.AddSingleton(sp => new Datasets.Slices.ManifestSlices(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            sp.GetRequiredService<IOptions<ItemLimits>>().Value));
        services.AddSingleton(sp => new ItemReader(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            DatasetHttpClient(sp),
            sp.GetRequiredService<IntakePolicy>(),
            sp.GetRequiredService<IOptions<ItemLimits>>().Value,
            sp.GetRequiredService<StoragePipelines>()));
        services.AddSingleton(sp => new ResultStoreFactory(
            sp.GetRequiredService<StorageAccount>(),
            sp.GetRequiredService<ResiliencePipeline>(),
            sp.GetRequiredService<IntakePolicy>(),
            sp.GetRequiredService<StoragePipelines>()));
        services.AddSingleton<IShardManifestStore>(sp => new ShardManifestStore(
            sp.GetRequiredService<StorageAccount>().Blobs.GetBlobContainerClient(ShardManifestStore.DefaultContainer),
            sp.GetRequiredService<ResiliencePipeline>()));
        services.AddSingleton<IPendingWorkMarkers>(sp => new PendingWorkMarkers(
            sp.GetRequiredService<StorageAccount>().Blobs.GetBlobContainerClient(PendingWorkMarkers.Container),
            sp.GetRequiredService<ResiliencePipeline>()));
        return services;
    }

    private static HttpClient DatasetHttpClient(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(ItemReader.HttpClientName);
}
