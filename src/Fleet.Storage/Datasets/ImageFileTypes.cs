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
}
