namespace Fleet.Testing.Simulation;

/// <summary>One control-plane simulation: a job of <see cref="Images"/> stand-in items on <see cref="Silos"/> simulated silos.</summary>
public sealed record SimulationOptions
{
    public required long Images { get; init; }

    public required int Silos { get; init; }

    /// <summary>Shards each silo's stand-in worker runs at once.</summary>
    public int SlotsPerSilo { get; init; } = 2;

    /// <summary>Images per shard; null: the job spec's default.</summary>
    public int? ShardSize { get; init; }

    /// <summary>"Labeling" time per shard; zero: the control plane alone sets the pace.</summary>
    public TimeSpan LabelTime { get; init; }

    /// <summary>Added to every grain-state write (a blob write costs 10-40 ms).</summary>
    public TimeSpan WriteDelay { get; init; }

    /// <summary>Kill the whole cluster once this fraction of the images is committed, then resume on a new one; null: no kill.</summary>
    public double? KillAt { get; init; }

    /// <summary>Parts hold a row per item and the run checks every item is in exactly one row at the end.</summary>
    public bool WriteRows { get; init; } = true;

    /// <summary>Silo configuration over the production defaults (Fleet:Jobs:* and the like).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>How often the job's status is read (the kill point and the planning time are seen at this grain).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The whole run gives up after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Progress lines (the bench sends them to stderr); null: quiet.</summary>
    public Action<string>? Progress { get; init; }
}
