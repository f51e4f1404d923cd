namespace Fleet.Storage.Samples;

/// <summary>Where sample files are found: an offline mirror first (FLEET_DATA_MIRROR), else a download cache.</summary>
public sealed record SampleDatasetOptions
{
    public string? MirrorRoot { get; init; } = Environment.GetEnvironmentVariable("FLEET_DATA_MIRROR");

    public string CacheRoot { get; init; } = Environment.GetEnvironmentVariable("FLEET_DATA_CACHE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fleet", "data");
}
