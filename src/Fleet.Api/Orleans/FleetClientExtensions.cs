using Fleet.Storage;
using Orleans.Configuration;

namespace Fleet.Api.Orleans;

public static class FleetClientExtensions
{
    /// <summary>An Orleans client to the fleet; the API only ever calls grains, never hosts them.</summary>
    public static IHostApplicationBuilder AddFleetClient(this IHostApplicationBuilder builder)
    {
        // Read once here: the clustering choice decides how the client is built.
        var options = builder.Configuration.GetSection(FleetClientOptions.SectionName).Get<FleetClientOptions>() ?? new FleetClientOptions();
        builder.UseOrleansClient(client =>
        {
            // The request's trace goes with every grain call (POST /jobs -> the job grain -> its shards).
            client.AddActivityPropagation();
            if (string.Equals(options.Clustering, "Localhost", StringComparison.OrdinalIgnoreCase))
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
                return;
            }
            // A connection string (Azurite, Aspire) or Fleet:Storage's service URIs with managed identity (Azure).
            var storage = builder.Configuration.GetStorageSettings();
            if (storage.Problem is { } problem)
                throw new InvalidOperationException($"The API finds the silos through storage, but {problem} (or ConnectionStrings:{StorageConfiguration.AspireConnectionName}).");
            var tables = StorageAccount.Create(storage).Tables;
            client.UseAzureStorageClustering(o => o.TableServiceClient = tables);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
        });
        return builder;
    }
}
