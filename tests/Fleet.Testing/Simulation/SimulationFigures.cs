namespace Fleet.Testing.Simulation;

/// <summary>What one control-plane simulation measured (rates are per second of wall time, on this machine).</summary>
public sealed record SimulationFigures
{
    public required long Images { get; init; }
    public required int Silos { get; init; }
    public required int Shards { get; init; }
    public required double ClusterStartSeconds { get; init; }

    /// <summary>Submit to the last shard planned (the planner shares the job grain with the leasing).</summary>
    public required double PlanningSeconds { get; init; }
    public required double PlanningLinesPerSecond { get; init; }
    public required double FirstCommitSeconds { get; init; }

    /// <summary>The steady window: the first commit to the kill (or to the last commit when there is none).</summary>
    public required double WindowSeconds { get; init; }
    public required double ShardsLeasedPerSecond { get; init; }
    public required double ShardsCommittedPerSecond { get; init; }
    public required double ImagesCommittedPerSecond { get; init; }

    /// <summary>The most-called activations in the window, busiest first.</summary>
    public required IReadOnlyList<ActivationLoad> BusiestActivations { get; init; }

    /// <summary>Calls per second in the window by "grain type.method".</summary>
    public required IReadOnlyDictionary<string, double> CallsPerSecondByMethod { get; init; }
    public required double CheckpointWritesPerSecond { get; init; }
    public required double CheckpointBytesPerSecond { get; init; }
    public required double CheckpointBytesPerShardCommitted { get; init; }

    /// <summary>Bytes written in the window by grain type.</summary>
    public required IReadOnlyDictionary<string, long> WrittenBytesByGrainType { get; init; }

    /// <summary>The largest stored state by grain type at the end of the window (what one activation holds, serialized).</summary>
    public required IReadOnlyDictionary<string, long> LargestStateBytesByGrainType { get; init; }
    public required double PeakWorkingSetMB { get; init; }
    public required double PeakManagedHeapMB { get; init; }
    public required double PeakManagedHeapMBPerSilo { get; init; }
    public required double TotalSeconds { get; init; }
    public ResumeFigures? Resume { get; init; }

    /// <summary>Items found in no row / in more than one row at the end (null: rows were not written).</summary>
    public long? ItemsMissing { get; init; }
    public long? ItemsDuplicated { get; init; }
}

public sealed record ActivationLoad(string Grain, double CallsPerSecond, double BusyFraction);

/// <summary>The whole cluster killed mid-job and a new one resuming from storage.</summary>
public sealed record ResumeFigures
{
    public required double KilledAtFraction { get; init; }
    public required double KillSeconds { get; init; }
    public required double ClusterStartSeconds { get; init; }

    /// <summary>The new cluster's first start to its first accepted report.</summary>
    public required double FirstCommitSeconds { get; init; }

    /// <summary>Grain-state bytes read from the new cluster's start to its first commit, and all that was stored at the kill.</summary>
    public required long StateBytesRead { get; init; }
    public required long StateBytesStored { get; init; }
    public required double StateReadFraction { get; init; }

    /// <summary>The job's progress segments ("job-progress-{n}"): bytes read in that time, bytes stored at the kill, and the fraction.</summary>
    public long ProgressBytesRead { get; init; }
    public long ProgressBytesStored { get; init; }
    public double ProgressReadFraction { get; init; }

    /// <summary>Reads of progress segments in that time (a segment never written is a read of nothing, a round trip all the same), and segments stored.</summary>
    public long SegmentReads { get; init; }
    public int SegmentsStored { get; init; }

    /// <summary>The job records ("job"): bytes read in that time and stored at the kill (the floor of what a resume reads).</summary>
    public long JobRecordBytesRead { get; init; }
    public long JobRecordBytesStored { get; init; }
    public required double FinishSeconds { get; init; }

    /// <summary>Shards reported before the kill and leased again after it.</summary>
    public required int ShardsRedone { get; init; }

    /// <summary>Of those, shards whose report was answered before the job's last checkpoint that landed began (must be none).</summary>
    public required int CheckpointedShardsRedone { get; init; }

    /// <summary>Shards reported after that checkpoint began (the most a resume may redo).</summary>
    public required int ShardsAfterLastCheckpoint { get; init; }
}
