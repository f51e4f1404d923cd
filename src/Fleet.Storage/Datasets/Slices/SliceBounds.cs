namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// A byte range of one manifest version: it owns every line that starts in [<see cref="Start"/>, <see cref="End"/>)
/// (Hadoop's TextInputFormat rule). A range not at the data's start skips to the first line starting at or after it;
/// a line that straddles <see cref="End"/> is read to its end. <see cref="DataStart"/> is where lines start being
/// entries (after a CSV header).
/// </summary>
public readonly record struct SliceBounds(long Start, long End, string Version, long DataStart = 0);
