namespace Fleet.Jobs.Registry;

[GenerateSerializer, Alias("fleet.JobRegistryRecord")]
public sealed class JobRegistryRecord
{
    [Id(0)] public HashSet<string> Active { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Every registered job, oldest first, as registries before <see cref="Sequences"/> kept them; read once, then emptied.</summary>
    [Id(1)] public List<string> Recent { get; set; } = [];
    /// <summary>owner -> that owner's kept jobs, oldest first, each list capped on its own.</summary>
    [Id(2)] public Dictionary<string, List<string>> RecentByOwner { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Every kept job -> its registration's sequence number (the paging cursor).</summary>
    [Id(3)] public Dictionary<string, long> Sequences { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The last sequence number handed out.</summary>
    [Id(4)] public long LastSequence { get; set; }
}
