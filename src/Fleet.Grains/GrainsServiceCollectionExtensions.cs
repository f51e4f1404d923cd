using Fleet.Grains.Jobs;
using Fleet.Grains.Labeling;
using Fleet.Grains.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fleet.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Job options, the image labeler (the model, or the stand-in of Fleet:Inference:StandIn), the shard processor and this silo's shard worker.</summary>
    public static IServiceCollection AddFleetGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobRunOptions>().Bind(configuration.GetSection("Fleet:Jobs"));
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection("Fleet:Worker"));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceBusyClock>();
        services.AddSingleton<FleetMetrics>();
        services.AddOptions<StandInOptions>().Bind(configuration.GetSection(StandInOptions.SectionName));
        // The stand-in only when asked for (control-plane benchmarks); otherwise the job's real model.
        var standIn = configuration.GetSection(StandInOptions.SectionName).GetValue<int>(nameof(StandInOptions.WaitMs)) > 0;
        if (standIn)
            services.AddSingleton<IImageLabeler, StandInImageLabeler>();
        else
            services.AddSingleton<IImageLabeler, ModelImageLabeler>();
        services.AddSingleton<ShardProcessor>();
        services.AddHostedService<ShardWorker>();
        return services;
    }
}
