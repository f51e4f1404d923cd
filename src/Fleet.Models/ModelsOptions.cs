namespace Fleet.Models;

/// <summary>Where model files come from (bound from Fleet:Models; FLEET_MODEL_MIRROR and friends reach it through the hosts).</summary>
public sealed record ModelsOptions
{
    public const string SectionName = "Fleet:Models";

    /// <summary>A catalog file; null finds models/catalog.json above the app, else the embedded copy.</summary>
    public string? Catalog { get; set; }

    /// <summary>The writable download cache; null is $XDG_CACHE_HOME/fleet/models or ~/.cache/fleet/models.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>An offline mirror laid out like the cache; null to skip.</summary>
    public string? MirrorDirectory { get; set; }

    /// <summary>False keeps the resolver offline: a model that is not local is an error.</summary>
    public bool AllowDownload { get; set; } = true;
}
