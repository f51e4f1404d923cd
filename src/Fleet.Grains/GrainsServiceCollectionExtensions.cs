using Fleet.Grains.Jobs;
using Fleet.Grains.Labeling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Grains;

public static class GrainsServiceCollectionExtensions
{
    public static IServiceCollection AddFleetGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobRunOptions>().Bind(configuration.GetSection("Fleet:Jobs"));
        services.AddSingleton<FleetMetrics>();
        services.AddSingleton<ShardProcessor>();
        return services;
    }
}
