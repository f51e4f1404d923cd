using Azure.Data.Tables;
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
            if (string.IsNullOrWhiteSpace(options.StorageConnectionString))
                throw new InvalidOperationException("FLEET_STORAGE (or ConnectionStrings:fleet-storage) is required to find the silos through storage.");
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.StorageConnectionString));
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
