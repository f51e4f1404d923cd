using Fleet.Contracts;

namespace Fleet.Grains.Jobs;

/// <summary>
/// What a job persists: its spec, plan size, and a bitmap of done shards plus counters — compact whatever the
/// number of images, so a checkpoint after every shard stays cheap.
/// </summary>
[GenerateSerializer, Alias("fleet.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public int ShardCount { get; set; }
    [Id(3)] public bool PlanningComplete { get; set; }
    [Id(4)] public long ImagesTotal { get; set; }
    [Id(5)] public byte[] DoneShards { get; set; } = [];
    [Id(6)] public long ImagesSucceeded { get; set; }
    [Id(7)] public long ImagesFailed { get; set; }
    [Id(8)] public DateTimeOffset? CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset? StartedAt { get; set; }
    [Id(10)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(11)] public string? Reason { get; set; }
    [Id(12)] public int ShardsDone { get; set; }
    [Id(13)] public string? ClassifierSha256 { get; set; }

    public bool IsShardDone(int shard) =>
        shard / 8 < DoneShards.Length && (DoneShards[shard / 8] & (1 << (shard % 8))) != 0;

    public void MarkShardDone(int shard)
    {
        if (shard / 8 >= DoneShards.Length)
        {
            var grown = DoneShards;
            Array.Resize(ref grown, Math.Max(shard / 8 + 1, DoneShards.Length * 2));
            DoneShards = grown;
        }
        DoneShards[shard / 8] |= (byte)(1 << (shard % 8));
        ShardsDone++;
    }
}
