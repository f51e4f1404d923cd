namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// The manifest is no longer the one its job planned: byte ranges of another file would drop or repeat images, so the
/// shard cannot run (and neither can the job: its reason says to submit a new one).
/// </summary>
public sealed class ManifestChangedException(string manifest, string planned, string now)
    : Exception($"manifest '{manifest}' changed since the job planned it (planned version {planned}, now {now}); its shards are byte ranges of the planned file, so submit a new job for the new manifest");
