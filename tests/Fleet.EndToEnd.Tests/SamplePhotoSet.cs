using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

/// <summary>A few hundred real photos: the shared sample repeated under different names (symbolic links, so it is cheap).</summary>
public static class SamplePhotoSet
{
    public static string Create(int copies, int perCopy = 100)
    {
        var folder = TestPaths.NewTempFolder("photoset");
        var photos = SamplePhotos.All().Take(perCopy).ToArray();
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var photo in photos)
            {
                var target = Path.Combine(folder, $"c{copy:D2}-{Path.GetFileName(photo)}");
                File.CreateSymbolicLink(target, photo);
            }
        }
        return folder;
    }

    public static IEnumerable<string> Uris(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => new Uri(f).AbsoluteUri);
}
