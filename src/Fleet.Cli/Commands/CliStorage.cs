using Fleet.Storage;
using Microsoft.Extensions.Configuration;

namespace Fleet.Cli.Commands;

/// <summary>
/// The storage account whose credential the CLI lends to blob URIs in it: a connection string (--storage, FLEET_STORAGE),
/// else the service URIs in Fleet__Storage__BlobServiceUri / Fleet__Storage__TableServiceUri with DefaultAzureCredential
/// (az login: how a deployed fleet's results are read, since its account refuses keys), else none (folders, SAS or public URIs).
/// </summary>
public static class CliStorage
{
    public static StorageAccount? Resolve(string? connectionString)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
            return new StorageAccount(connectionString);
        var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build()
            .GetSection(StorageSettings.SectionName).Get<StorageSettings>();
        if (settings is null || (!settings.UsesConnectionString && settings.BlobServiceUri is null && settings.TableServiceUri is null))
            return null;
        return StorageAccount.Create(settings);
    }
}
