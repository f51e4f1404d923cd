namespace Fleet.Bench.Infrastructure;

/// <summary>
/// A temporary folder of N images made of the 100 sample photos repeated: symbolic links with distinct names, so each
/// is its own dataset item (its own row) without copying bytes. Deleted on dispose.
/// </summary>
internal sealed class PhotoSet : IDisposable
{
    private PhotoSet(string folder, IReadOnlyList<string> files)
    {
        Folder = folder;
        Files = files;
    }

    public string Folder { get; }

    public IReadOnlyList<string> Files { get; }

    public static IReadOnlyList<string> SamplePhotos() =>
        [.. Directory.EnumerateFiles(BenchPaths.SamplePhotos).Order(StringComparer.Ordinal)];

    public static PhotoSet Create(int count)
    {
        var photos = SamplePhotos();
        var folder = Path.Combine(Path.GetTempPath(), $"fleet-bench-photos-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(folder);
        var files = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            // Absolute: a link to a relative path (FLEET_DATA_MIRROR=../shared/data) would resolve from the temp folder.
            var source = Path.GetFullPath(photos[i % photos.Count]);
            var target = Path.Combine(folder, $"{i:D6}-{Path.GetFileName(source)}");
            File.CreateSymbolicLink(target, source);
            files.Add(target);
        }
        return new PhotoSet(folder, files);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; nothing depends on it.
        }
    }
}
