using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

/// <summary>Folders of real photos from the shared ImageNet sample, copied under test-owned names.</summary>
public static class SamplePhotos
{
    public static string[] All() => Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A temp folder holding the first <paramref name="count"/> sample photos, plus any extra files given.</summary>
    public static string Folder(int count, params (string Name, byte[] Content)[] extra)
    {
        var folder = TestPaths.NewTempFolder("photos");
        foreach (var photo in All().Take(count))
            File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        foreach (var (name, content) in extra)
            File.WriteAllBytes(Path.Combine(folder, name), content);
        return folder;
    }

    /// <summary>A JPEG header followed by garbage: looks like an image by name and magic bytes, decodes to nothing.</summary>
    public static byte[] CorruptJpeg() => [0xFF, 0xD8, 0xFF, 0xE0, .. "this is not really a jpeg at all"u8.ToArray()];
}
