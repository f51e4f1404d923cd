using System.Globalization;

namespace Fleet.Testing.Simulation;

/// <summary>
/// A dataset of stand-in items: a text manifest of numbered URIs that name no bytes (nothing reads them; the stand-in
/// workers make each item's row from its number). The manifest goes through the real planner like any user's.
/// </summary>
public static class SyntheticItems
{
    private const string Prefix = "file:///synthetic/item-";
    private const string Suffix = ".jpg";

    public static string Uri(long index) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{index:D10}{Suffix}");

    /// <summary>The number of a stand-in item's URI; false for any other URI.</summary>
    public static bool TryIndex(string uri, out long index)
    {
        index = -1;
        return uri.StartsWith(Prefix, StringComparison.Ordinal) && uri.EndsWith(Suffix, StringComparison.Ordinal)
            && long.TryParse(uri.AsSpan(Prefix.Length, uri.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>Writes a manifest of <paramref name="count"/> items (one URI a line) in <paramref name="folder"/>; its path.</summary>
    public static async Task<string> WriteManifestAsync(string folder, long count, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, "synthetic-items.txt");
        await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 20);
        for (long i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(Uri(i));
        }
        return path;
    }
}
