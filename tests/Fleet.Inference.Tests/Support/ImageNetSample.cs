namespace Fleet.Inference.Tests.Support;

/// <summary>imagenet-sample-100: one photo per class, named by WordNet id; the id's line in synset.txt is the class.</summary>
internal static class ImageNetSample
{
    public static IReadOnlyList<(string Path, int ClassId)> Load()
    {
        var synsets = File.ReadLines(Path.Combine(TestPaths.ModelMirror, "imagenet-labels", "synset.txt"))
            .Select((line, index) => (Id: line.Split(' ', 2)[0], index))
            .ToDictionary(x => x.Id, x => x.index);
        return Directory.EnumerateFiles(Path.Combine(TestPaths.DataMirror, "imagenet-sample-100"))
            .Order(StringComparer.Ordinal)
            .Select(path => (path, synsets[Path.GetFileName(path).Split('_', 2)[0]]))
            .ToList();
    }
}
