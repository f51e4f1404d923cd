using Fleet.Storage;
using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Security;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Results;

public static class ResultsExtensions
{
    /// <summary>
    /// What the results routes read a job's output and photos with: the fleet's own storage account when one is
    /// configured, and the same intake policy (<c>Fleet:Intake</c>) and limits (<c>Fleet:Limits</c>) as the silos, so the
    /// API reads nothing a job could not have named. Outputs elsewhere (another account's SAS, which status never shows)
    /// are not readable here.
    /// </summary>
    public static IHostApplicationBuilder AddFleetResults(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ResultsOptions>().BindConfiguration(ResultsOptions.SectionName)
            .Validate(o => o.DefaultLimit > 0 && o.MaxLimit >= o.DefaultLimit && o.MaxScannedRowsPerPage > 0 && o.ThumbnailSize is > 0 and <= 2048 && o.LinkLifetime > TimeSpan.Zero,
                $"{ResultsOptions.SectionName}: limits must be positive, MaxLimit >= DefaultLimit, ThumbnailSize at most 2048")
            .Validate(o => o.LinkSecret.Length is 0 or >= 32, $"{ResultsOptions.SectionName}:LinkSecret must be at least 32 characters")
            .ValidateOnStart();
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName)
            .Validate(o => o.LocalRoots.All(Path.IsPathFullyQualified), "Fleet:Intake:LocalRoots must be absolute paths");
        services.AddOptions<ItemLimits>().BindConfiguration(ItemLimits.SectionName);
        services.AddOptions<SampleDatasetOptions>().BindConfiguration(SampleDatasetOptions.SectionName);
        var storage = builder.Configuration.GetStorageSettings();
        var account = storage.Problem is null ? StorageAccount.Create(storage) : null;
        services.AddSingleton(sp => IntakePolicy.For(
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value, account, sp.GetRequiredService<IOptions<SampleDatasetOptions>>().Value));
        // A pipeline per endpoint, as in the silos (StoragePipelines): a thumbnail's foreign host that is down is a 422 for
        // that photo, never an open breaker for the fleet account that every other row and photo is read through.
        services.AddOptions<StorageResilienceOptions>().BindConfiguration(StorageResilienceOptions.SectionName);
        services.AddKeyedSingleton(ResultsKey, (sp, _) => new StoragePipelines(sp.GetRequiredService<IOptions<StorageResilienceOptions>>().Value, account?.Blobs.Uri));
        services.AddSingleton(sp =>
        {
            var pipelines = sp.GetRequiredKeyedService<StoragePipelines>(ResultsKey);
            return new ResultStoreFactory(account, pipelines.Fleet, sp.GetRequiredService<IntakePolicy>(), pipelines);
        });
        services.AddSingleton(sp =>
        {
            var policy = sp.GetRequiredService<IntakePolicy>();
            var pipelines = sp.GetRequiredKeyedService<StoragePipelines>(ResultsKey);
            return new ItemReader(account, pipelines.Fleet, new HttpClient(policy.CreateHandler()), policy,
                sp.GetRequiredService<IOptions<ItemLimits>>().Value, pipelines);
        });
        var maxPixels = builder.Configuration.GetValue("Fleet:Limits:MaxPixels", 50_000_000L);
        services.AddSingleton(sp => new Thumbnailer(sp.GetRequiredService<IOptions<ResultsOptions>>().Value.ThumbnailSize, maxPixels));
        services.AddSingleton<JobRowPager>();
        return builder;
    }

    private const string ResultsKey = "fleet-results";
}
