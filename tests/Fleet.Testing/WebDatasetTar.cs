using System.Formats.Tar;
using System.Text;

namespace Fleet.Testing;

/// <summary>
/// WebDataset tars made at test time with System.Formats.Tar's TarWriter: sample i is <c>{i:D6}.jpg</c> (the shared sample
/// photos, repeated past the hundredth) followed by <c>{i:D6}.json</c> holding <c>{"id":"photo-{i}","n":i}</c>.
/// </summary>
public static class WebDatasetTar
{
    public static string Key(int sample) => $"{sample:D6}";

    public static string Id(int sample) => $"photo-{sample}";

    /// <summary>Writes <paramref name="samples"/> samples to <paramref name="path"/>; <paramref name="image"/> may replace sample i's bytes (a damaged member).</summary>
    public static string Write(string path, int samples, Func<int, byte[], byte[]>? image = null)
    {
        var photos = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).ToArray();
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        for (var i = 0; i < samples; i++)
        {
            var bytes = File.ReadAllBytes(photos[i % photos.Length]);
            Add(writer, $"{Key(i)}.jpg", image?.Invoke(i, bytes) ?? bytes);
            Add(writer, $"{Key(i)}.json", Encoding.UTF8.GetBytes($$"""{"id":"{{Id(i)}}","n":{{i}}}"""));
        }
        return path;
    }

    /// <summary>The photo sample i was made from (before any replacement).</summary>
    public static byte[] Photo(int sample)
    {
        var photos = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).ToArray();
        return File.ReadAllBytes(photos[sample % photos.Length]);
    }

    /// <summary>The row URIs of the samples: the tar's URI and the image member.</summary>
    public static IEnumerable<string> MemberUris(string tarUri, int samples) =>
        Enumerable.Range(0, samples).Select(i => $"{tarUri}#{Key(i)}.jpg");

    public static void Add(TarWriter writer, string name, byte[] content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };
        writer.WriteEntry(entry);
    }
}
