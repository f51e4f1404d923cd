using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fleet.Testing.Simulation;

/// <summary>
/// What the stand-in workers of every silo share: how they work (slots per silo, "labeling" time, whether parts hold
/// rows) and what they did, across cluster generations (a kill and the cluster that resumes).
/// </summary>
public sealed class StandInWork
{
    private readonly ConcurrentQueue<CommittedShard> _committed = new();
    private readonly ConcurrentQueue<(int Shard, int Generation)> _leases = new();
    private long _leased;
    private long _refused;
    private long _committedItems;
    private volatile bool _killed;

    /// <summary>Shards each silo works on at once (its workers' slots).</summary>
    public int SlotsPerSilo { get; init; } = 2;

    /// <summary>Time a shard takes to "label"; zero: at once.</summary>
    public TimeSpan LabelTime { get; init; }

    /// <summary>True: each part holds one row per item (the exactly-once check reads them); false: empty parts, the commit path alone.</summary>
    public bool WriteRows { get; init; } = true;

    /// <summary>Which cluster the workers belong to: 0 until the first kill, then 1, ...</summary>
    public int Generation { get; private set; }

    public long Leased => Interlocked.Read(ref _leased);

    /// <summary>Every lease granted, by shard and cluster generation (a resume that hands out a done shard again shows here).</summary>
    public IReadOnlyCollection<(int Shard, int Generation)> Leases => _leases;

    /// <summary>Begin-commits the job refused (a speculative twin, or a lease it had taken back).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Reports the job accepted, in order.</summary>
    public IReadOnlyCollection<CommittedShard> Committed => _committed;

    public long CommittedCount => _committed.Count;

    public long CommittedItems => Interlocked.Read(ref _committedItems);

    public bool Killed => _killed;

    /// <summary>The workers stop dead: nothing begun is committed or reported from here on.</summary>
    public void Kill() => _killed = true;

    /// <summary>The workers of the next cluster may start.</summary>
    public void Resume()
    {
        Generation++;
        _killed = false;
    }

    internal void CountLease(int shard, int generation)
    {
        _leases.Enqueue((shard, generation));
        Interlocked.Increment(ref _leased);
    }

    internal void CountRefusal() => Interlocked.Increment(ref _refused);

    internal void CountCommit(string jobId, int shard, int items, int generation)
    {
        _committed.Enqueue(new CommittedShard(jobId, shard, items, generation, Stopwatch.GetTimestamp()));
        Interlocked.Add(ref _committedItems, items);
    }
}

/// <summary>A report the job accepted: which cluster generation sent it and when (Stopwatch timestamp) the answer came.</summary>
public sealed record CommittedShard(string JobId, int Shard, int Items, int Generation, long AcceptedAt);
