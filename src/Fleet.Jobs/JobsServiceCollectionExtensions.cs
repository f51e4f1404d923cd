using Fleet.Jobs.Admission;
using Fleet.Jobs.Finish;
using Fleet.Jobs.Planning;
using Fleet.Jobs.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fleet.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The control plane's parts (Fleet:Jobs options, admission, planner, finisher). Needs Fleet's storage and the model catalog.</summary>
    public static IServiceCollection AddFleetJobs(this IServiceCollection services)
    {
        services.AddOptions<JobRunOptions>().BindConfiguration(JobRunOptions.SectionName)
            .Validate(o => o.LeaseDuration > TimeSpan.Zero && o.MaxShardAttempts > 0 && o.CheckpointInterval > TimeSpan.Zero,
                $"{JobRunOptions.SectionName} needs LeaseDuration > 0, MaxShardAttempts > 0 and CheckpointInterval > 0.")
            .Validate(o => o.TargetShardTime > TimeSpan.Zero && o.MinSliceBytes > 0 && o.MaxSliceBytes >= o.MinSliceBytes,
                $"{JobRunOptions.SectionName} needs TargetShardTime > 0 and 0 < MinSliceBytes <= MaxSliceBytes.")
            .ValidateOnStart();
        services.AddOptions<JobRegistryOptions>().BindConfiguration(JobRegistryOptions.SectionName)
            .Validate(o => o.MaxJobsPerOwner > 0, $"{JobRegistryOptions.SectionName}:MaxJobsPerOwner must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new JobClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<JobAdmission>();
        services.AddOptions<PlanningOptions>().BindConfiguration(PlanningOptions.SectionName)
            .Validate(o => o.SampleBytes > 0, $"{PlanningOptions.SectionName}:SampleBytes must be positive")
            .ValidateOnStart();
        services.AddSingleton<ManifestSlicePlanner>();
        services.AddSingleton<ShardPlanner>();
        services.AddSingleton<PlanningRun>();
        services.AddSingleton<JobFinisher>();
        return services;
    }
}
