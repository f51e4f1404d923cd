using Fleet.Grains.Jobs;
using Fleet.Grains.Labeling;
using Fleet.Grains.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fleet.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Job options, the shard processor and this silo's shard worker.</summary>
    public static IServiceCollection AddFleetGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobRunOptions>().Bind(configuration.GetSection("Fleet:Jobs"));
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection("Fleet:Worker"));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FleetMetrics>();
        services.AddSingleton<ShardProcessor>();
        services.AddHostedService<ShardWorker>();
        return services;
    }
}
