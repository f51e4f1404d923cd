using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Fleet.Worker.Labeling;
using Fleet.Worker.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fleet.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// The data plane of a silo: Fleet:Worker options, the image labeler (the job's model, or the stand-in of
    /// Fleet:Inference:StandIn for control-plane benchmarks), the shard processor, the metrics and this silo's worker.
    /// </summary>
    public static IServiceCollection AddFleetWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName)
            .Validate(o => o.Capacity >= 0 && o.PollInterval > TimeSpan.Zero, $"{WorkerOptions.SectionName} needs Capacity >= 0 and PollInterval > 0.")
            .ValidateOnStart();
        services.AddOptions<StandInOptions>().BindConfiguration(StandInOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceBusyClock>();
        // The silo's decoders (registered by AddFleetInference too); here for hosts with the stand-in labeler only.
        services.TryAddSingleton(sp => new DecodeWorkers(sp.GetRequiredService<IOptions<InferenceOptions>>().Value.DecodeThreads));
        services.AddSingleton<FleetMetrics>();
        // The stand-in only when asked for (control-plane benchmarks); otherwise the job's real model. Chosen at
        // registration, so a silo never holds both.
        if (configuration.GetSection(StandInOptions.SectionName).GetValue<int>(nameof(StandInOptions.WaitMs)) > 0)
            services.AddSingleton<IImageLabeler, StandInImageLabeler>();
        else
            services.AddSingleton<IImageLabeler, ModelImageLabeler>();
        services.AddSingleton<ClassifierChoice>();
        services.AddSingleton<ForeignHostBudget>();
        services.AddSingleton<ShardProcessor>();
        services.AddHostedService<ShardWorker>();
        return services;
    }
}
