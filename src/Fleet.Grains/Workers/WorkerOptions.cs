namespace Fleet.Grains.Workers;

/// <summary>How a silo's worker pulls work (bound from Fleet:Worker).</summary>
public sealed record WorkerOptions
{
    /// <summary>Shards in flight on this silo; 0 = from the hardware (half the CPU cores, at least 1).</summary>
    public int Capacity { get; set; }

    /// <summary>How often an idle worker asks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a lease is renewed while its shard runs; null = a third of the lease's lifetime.</summary>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>False turns this silo's worker off (an API-only or control-plane silo).</summary>
    public bool Enabled { get; set; } = true;

    public int EffectiveCapacity => Capacity > 0 ? Capacity : Math.Max(1, Environment.ProcessorCount / 2);
}
