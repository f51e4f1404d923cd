namespace Fleet.Models;

/// <summary>Where <see cref="ModelResolver"/> looks for model files, in this order: repo, cache, mirror, download.</summary>
public sealed record ModelResolverOptions
{
    /// <summary>The repo's <c>models/</c> folder (files as <c>&lt;name&gt;/&lt;file&gt;</c> or <c>&lt;file&gt;</c>); null to skip.</summary>
    public string? RepositoryModelsDirectory { get; init; }

    /// <summary>The writable cache (<c>&lt;name&gt;/&lt;file&gt;</c>); downloads land here.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>An offline mirror laid out like the cache; null to skip.</summary>
    public string? MirrorDirectory { get; init; }

    /// <summary>False keeps the resolver offline: a model that is not local is an error.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>The repo folder from the catalog, the rest from the configured <paramref name="options"/>.</summary>
    public static ModelResolverOptions From(ModelCatalog catalog, ModelsOptions options) => new()
    {
        RepositoryModelsDirectory = catalog.CatalogDirectory,
        CacheDirectory = NonEmpty(options.CacheDirectory) ?? DefaultCacheDirectory(),
        MirrorDirectory = NonEmpty(options.MirrorDirectory),
        AllowDownload = options.AllowDownload,
    };

    /// <summary><c>$XDG_CACHE_HOME/fleet/models</c>, else <c>~/.cache/fleet/models</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        var cacheHome = NonEmpty(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"));
        if (cacheHome is null)
        {
            var home = NonEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)) ?? Path.GetTempPath();
            cacheHome = Path.Combine(home, ".cache");
        }

        return Path.Combine(cacheHome, "fleet", "models");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
