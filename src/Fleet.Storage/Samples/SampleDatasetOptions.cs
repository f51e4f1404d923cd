namespace Fleet.Storage.Samples;

/// <summary>Where sample files are found (bound from Fleet:Samples): an offline mirror first, else a download cache.</summary>
public sealed record SampleDatasetOptions
{
    public const string SectionName = "Fleet:Samples";

    /// <summary>An offline mirror holding each sample's folder (FLEET_DATA_MIRROR); null to skip.</summary>
    public string? MirrorRoot { get; set; }

    /// <summary>Where downloaded samples are kept (FLEET_DATA_CACHE).</summary>
    public string CacheRoot { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fleet", "data");
}
