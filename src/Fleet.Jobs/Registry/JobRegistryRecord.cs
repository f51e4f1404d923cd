namespace Fleet.Jobs.Registry;

[GenerateSerializer, Alias("fleet.JobRegistryRecord")]
public sealed class JobRegistryRecord
{
    [Id(0)] public HashSet<string> Active { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Every registered job, oldest first, capped.</summary>
    [Id(1)] public List<string> Recent { get; set; } = [];
    /// <summary>owner -> that owner's registered jobs, oldest first, each list capped on its own.</summary>
    [Id(2)] public Dictionary<string, List<string>> RecentByOwner { get; set; } = new(StringComparer.Ordinal);
}
