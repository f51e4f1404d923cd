namespace Fleet.Jobs.Tests.Cluster;

/// <summary>Small local datasets: the stand-in labeler reads the bytes but never decodes them, so any bytes do.</summary>
public static class TestDatasets
{
    public static string Folder(int images)
    {
        var folder = NewFolder("dataset");
        for (var i = 0; i < images; i++)
            File.WriteAllBytes(Path.Combine(folder, $"img-{i:D4}.jpg"), [0xFF, 0xD8, (byte)i, 0xFF, 0xD9]);
        return folder;
    }

    /// <summary>A .txt manifest of <paramref name="good"/> readable files and <paramref name="missing"/> that do not exist (read errors).</summary>
    public static string ManifestWithMissing(int good, int missing)
    {
        var folder = Folder(good);
        var lines = Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Concat(Enumerable.Range(0, missing).Select(i => Path.Combine(folder, $"gone-{i}.jpg")));
        var manifest = Path.Combine(NewFolder("manifest"), "images.txt");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    public static string NewFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "fleet-jobs-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
