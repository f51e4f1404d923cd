using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fleet.Grains;
using Fleet.Inference;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Silo;

public static class SiloHostingExtensions
{
    /// <summary>Hosts a Fleet silo: Orleans with grain state in blob storage, plus Fleet's storage, inference and grains.</summary>
    public static IHostApplicationBuilder AddFleetSilo(this IHostApplicationBuilder builder, FleetSiloOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.StorageConnectionString))
            throw new InvalidOperationException("Fleet:Silo:StorageConnectionString (or FLEET_STORAGE) is required: grain state and shard manifests live in storage.");

        builder.UseOrleans(silo =>
        {
            if (options.Name is { Length: > 0 } name)
                silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
            switch (options.Clustering)
            {
                case SiloClustering.Localhost:
                    var primary = options.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
                    silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
                    break;
                case SiloClustering.AzureTable:
                    if (options.AdvertisedIPAddress is { } advertised)
                        silo.ConfigureEndpoints(IPAddress.Parse(advertised), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                    else
                        silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                    silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.StorageConnectionString));
                    silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                    {
                        o.ClusterId = options.ClusterId;
                        o.ServiceId = options.ServiceId;
                    });
                    break;
            }
            silo.AddAzureBlobGrainStorage(FleetStorageNames.GrainStorage, o => o.BlobServiceClient = new BlobServiceClient(options.StorageConnectionString));
            // Durable reminders: a running job whose silo died is re-activated elsewhere, even after a full restart.
            silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(options.StorageConnectionString));
            silo.AddActivityPropagation();
        });

        builder.Services.AddFleetStorage(options.StorageConnectionString,
            builder.Configuration.GetSection("Fleet:Storage:Resilience").Get<StorageResilienceOptions>());
        builder.Services.AddFleetInference(builder.Configuration);
        builder.Services.AddFleetGrains(builder.Configuration);
        return builder;
    }
}
