using System.Net;
using Fleet.Inference;
using Fleet.Jobs;
using Fleet.Storage;
using Fleet.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Hosts a Fleet silo from configuration (Fleet:Silo, Fleet:Storage, …): Orleans with clustering, grain state and
    /// reminders in storage (by connection string or by service URIs and identity), plus Fleet's storage, the control
    /// plane (jobs) and the data plane (worker, inference). Returns the options in force (ports resolved).
    /// </summary>
    public static FleetSiloOptions AddFleetSilo(this IHostApplicationBuilder builder)
    {
        // Read once here: the clustering choice and the ports decide how Orleans is built.
        var options = builder.Configuration.GetSection(FleetSiloOptions.SectionName).Get<FleetSiloOptions>() ?? new FleetSiloOptions();
        options = options with { SiloPort = SiloPorts.Resolve(options.SiloPort), GatewayPort = SiloPorts.Resolve(options.GatewayPort) };
        var storage = builder.Configuration.GetStorageSettings();
        if (storage.Problem is { } problem)
            throw new InvalidOperationException($"The silo needs storage for grain state and shard manifests, but {problem}.");
        // One set of clients (one credential, one token cache) for Orleans' providers and Fleet's own storage.
        var account = StorageAccount.Create(storage);

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
                    if (options.AdvertisedIPAddress is { Length: > 0 })
                        silo.Configure<Orleans.Configuration.EndpointOptions>(o => SiloEndpoints.Apply(o, options));
                    else
                        silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                    silo.UseAzureStorageClustering(o => o.TableServiceClient = account.Tables);
                    silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                    {
                        o.ClusterId = options.ClusterId;
                        o.ServiceId = options.ServiceId;
                    });
                    break;
            }
            silo.AddAzureBlobGrainStorage(FleetStorageNames.GrainStorage, o => o.BlobServiceClient = account.Blobs);
            // Durable reminders: a running job whose silo died is re-activated elsewhere, even after a full restart.
            silo.UseAzureTableReminderService(o => o.TableServiceClient = account.Tables);
            silo.AddActivityPropagation();
        });

        builder.Services.AddFleetStorage(account);
        builder.Services.AddFleetInference();
        builder.Services.AddFleetJobs();
        builder.Services.AddFleetWorker(builder.Configuration);
        builder.Services.AddHostedService<SiloTuningLog>();
        return options;
    }
}
