namespace Fleet.Storage.Datasets.Slices;

/// <summary>A manifest's size and the version a plan pins (a blob's ETag, a file's size and last write time).</summary>
public sealed record ManifestHead(long Size, string Version);
