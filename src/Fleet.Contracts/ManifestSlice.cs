namespace Fleet.Contracts;

/// <summary>
/// A shard of a text manifest (.txt, .jsonl, .csv) planned by byte range: it owns every line that starts in
/// [<see cref="Start"/>, <see cref="End"/>), and its worker reads those lines from the manifest itself (no shard manifest
/// is written). <see cref="Version"/> pins the manifest the job planned (a blob's ETag, a file's size and write time).
/// </summary>
[GenerateSerializer, Alias("fleet.ManifestSlice")]
public sealed record ManifestSlice
{
    [Id(0)] public required long Start { get; init; }
    [Id(1)] public required long End { get; init; }
    [Id(2)] public required string Version { get; init; }

    /// <summary>Where the data starts: a CSV manifest's header line lies before it (every slice reads it); 0 otherwise.</summary>
    [Id(3)] public long DataStart { get; init; }
}
