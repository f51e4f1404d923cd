namespace Fleet.Jobs.Registry;

[GenerateSerializer, Alias("fleet.JobRegistryRecord")]
public sealed class JobRegistryRecord
{
    [Id(0)] public HashSet<string> Active { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Every registered job, oldest first, capped.</summary>
    [Id(1)] public List<string> Recent { get; set; } = [];
}
