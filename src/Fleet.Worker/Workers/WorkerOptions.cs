namespace Fleet.Worker.Workers;

/// <summary>How a silo's worker pulls work (bound from Fleet:Worker).</summary>
public sealed record WorkerOptions
{
    public const string SectionName = "Fleet:Worker";

    /// <summary>
    /// Shards in flight on this silo; 0 = from the hardware (half the CPU cores, at least 2). At least 2 so the next
    /// shard's downloads and the last one's commit overlap the model: with 1, an accelerator idles at every shard
    /// boundary (the control-plane benchmark: 16 silos at 0.97 of ideal with 1, never idle with 2).
    /// </summary>
    public int Capacity { get; set; }

    /// <summary>How often an idle worker asks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often the worker re-reads the list of active jobs from the registry: a job submitted meanwhile waits up to
    /// this long for its first shard to start on this silo.
    /// </summary>
    public TimeSpan JobListRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a lease is renewed while its shard runs; null = a third of the lease's lifetime.</summary>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>After a shard went back because storage was unreachable, the first wait before leasing again (it doubles up to <see cref="StorageOutageMaxWait"/>).</summary>
    public TimeSpan StorageOutageWait { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan StorageOutageMaxWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>False turns this silo's worker off (an API-only or control-plane silo).</summary>
    public bool Enabled { get; set; } = true;

    public int EffectiveCapacity => Capacity > 0 ? Capacity : DefaultCapacity(Environment.ProcessorCount);

    /// <summary>Half the cores, at least 2 (see <see cref="Capacity"/>).</summary>
    public static int DefaultCapacity(int cores) => Math.Max(2, cores / 2);
}
