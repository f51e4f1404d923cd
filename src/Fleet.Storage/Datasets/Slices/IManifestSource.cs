namespace Fleet.Storage.Datasets.Slices;

/// <summary>Where a sliced manifest's bytes come from: a local file or a blob, read from any offset of one pinned version.</summary>
public interface IManifestSource
{
    /// <summary>The manifest as users read it (a path, or a blob URI without SAS).</summary>
    string Display { get; }

    /// <summary>The manifest's current size and version.</summary>
    Task<ManifestHead> HeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The bytes of version <paramref name="version"/> from <paramref name="offset"/> on, of which about
    /// <paramref name="expected"/> will be read (the first request asks for that much). Throws
    /// <see cref="ManifestChangedException"/> when the manifest is another version now.
    /// </summary>
    Task<Stream> OpenAsync(long offset, long expected, string version, CancellationToken cancellationToken);
}
