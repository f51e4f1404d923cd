using Fleet.ServiceDefaults;
using Fleet.Storage;
using Fleet.Storage.Samples;
using Microsoft.Extensions.Configuration;

namespace Fleet.Cli.Commands;

/// <summary>
/// The configuration the CLI's commands read, the same way the hosts do: the environment (Fleet__… and the FLEET_*
/// short names), with --storage on top. Its storage account is what the CLI lends blob URIs in it: a connection string,
/// else Fleet:Storage's service URIs with DefaultAzureCredential (az login: how a deployed fleet's results are read),
/// else none (folders, SAS or public URIs).
/// </summary>
public static class CliConfiguration
{
    public static IConfiguration Build(string? storageConnectionString = null)
    {
        var builder = new ConfigurationBuilder().AddFleetEnvironmentVariables().AddEnvironmentVariables();
        if (!string.IsNullOrWhiteSpace(storageConnectionString))
            builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Fleet:Storage:ConnectionString"] = storageConnectionString });
        return builder.Build();
    }

    public static StorageAccount? StorageAccount(this IConfiguration configuration)
    {
        var settings = configuration.GetStorageSettings();
        if (!settings.UsesConnectionString && settings.BlobServiceUri is null && settings.TableServiceUri is null)
            return null;
        return Storage.StorageAccount.Create(settings);
    }

    public static SampleDatasetOptions Samples(this IConfiguration configuration) =>
        configuration.GetSection(SampleDatasetOptions.SectionName).Get<SampleDatasetOptions>() ?? new SampleDatasetOptions();
}
