namespace Fleet.Storage.Datasets;

/// <summary>Which names count as images when a folder or prefix is listed; other files are skipped, not errors.</summary>
public static class ImageFileTypes
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".gif", ".webp",
    };

    public static IReadOnlyCollection<string> All => Extensions;

    public static bool IsImage(string name) => Extensions.Contains(Path.GetExtension(name));

    /// <summary>What a folder or prefix listing yields: images, and WebDataset tars (<see cref="TarSampleLister"/> expands them).</summary>
    public static bool IsListed(string name) => IsImage(name) || TarShards.IsTar(name);
}
