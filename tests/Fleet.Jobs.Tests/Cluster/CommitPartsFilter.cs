using System.Collections.Concurrent;
using Fleet.Contracts;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// Where a test is the worker (workers off), it reports shards without running them. A real worker commits the shard's
/// data part before it reports, and the job checks those parts before it finishes; this filter on the job's side does
/// that commit for the test (an empty part, unless one is there) so a test's report stands for a real commit.
/// </summary>
internal sealed class CommitPartsFilter
{
    /// <summary>Job id -> its output folder, recorded when a test submits through <see cref="JobCluster"/>.</summary>
    public ConcurrentDictionary<string, string> Outputs { get; } = new();

    public async Task InvokeAsync(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IShardLeaseGrain.ReportShard)
            && context.Request.GetArgument(0) is LeaseToken lease
            && Outputs.TryGetValue(context.TargetId.Key.ToString()!, out var output))
        {
            var part = Path.Combine(output, ResultLayout.Part(context.TargetId.Key.ToString()!, lease.Shard, JsonLinesPartFormat.Instance));
            if (!File.Exists(part))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(part)!);
                await File.WriteAllTextAsync(part, "");
            }
        }
        await context.Invoke();
    }
}
