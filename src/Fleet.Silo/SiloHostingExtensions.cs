using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fleet.Grains;
using Fleet.Inference;
using Fleet.Storage;
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
            switch (options.Clustering)
            {
                case SiloClustering.Localhost:
                    var primary = options.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
                    silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
                    break;
                case SiloClustering.AzureTable:
                    silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.StorageConnectionString));
                    silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                    {
                        o.ClusterId = options.ClusterId;
                        o.ServiceId = options.ServiceId;
                    });
                    break;
            }
            silo.AddAzureBlobGrainStorage(FleetStorageNames.GrainStorage, o => o.BlobServiceClient = new BlobServiceClient(options.StorageConnectionString));
            silo.AddActivityPropagation();
        });

        builder.Services.AddFleetStorage(options.StorageConnectionString);
        builder.Services.AddFleetInference(builder.Configuration);
        builder.Services.AddFleetGrains(builder.Configuration);
        return builder;
    }
}
