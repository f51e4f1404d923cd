using Fleet.Contracts;
using Fleet.Jobs;

namespace Fleet.Bench.Scenarios;

/// <summary>The record of a running job of <c>shards</c> 64-image shards over blob URIs, planned and written once: what the checkpoint benches start from.</summary>
internal static class BenchJobRecord
{
    public static JobRecord Running(int shards) => new()
    {
        Spec = new JobSpec { Dataset = "https://account.blob.core.windows.net/photos/", Output = "https://account.blob.core.windows.net/results", ShardSize = 64 },
        State = JobState.Running,
        ShardCount = shards,
        ImagesTotal = shards * 64L,
        PlanningComplete = true,
        ProgressInSegments = true,
        SegmentsNamed = 0,
    };
}
