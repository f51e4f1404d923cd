using Fleet.Storage;
using Orleans.Configuration;

namespace Fleet.Api.Orleans;

public static class FleetClientExtensions
{
    /// <summary>An Orleans client to the fleet; the API only ever calls grains, never hosts them.</summary>
    public static IHostApplicationBuilder AddFleetClient(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Fleet:Client").Get<FleetClientOptions>() ?? new FleetClientOptions();
        options.StorageConnectionString = builder.Configuration["FLEET_STORAGE"] ?? builder.Configuration.GetConnectionString("fleet-storage") ?? options.StorageConnectionString;
        builder.UseOrleansClient(client =>
        {
            if (string.Equals(options.Clustering, "Localhost", StringComparison.OrdinalIgnoreCase))
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
                return;
            }
            // A connection string (Azurite, Aspire) or Fleet:Storage's service URIs with managed identity (Azure).
            var storage = builder.Configuration.GetSection(StorageSettings.SectionName).Get<StorageSettings>() ?? new StorageSettings();
            if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
                storage = storage with { ConnectionString = options.StorageConnectionString };
            if (storage.Problem is { } problem)
                throw new InvalidOperationException($"The API finds the silos through storage, but {problem} (or ConnectionStrings:fleet-storage).");
            var tables = StorageAccount.Create(storage).Tables;
            client.UseAzureStorageClustering(o => o.TableServiceClient = tables);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            client.AddActivityPropagation();
        });
        return builder;
    }
}
