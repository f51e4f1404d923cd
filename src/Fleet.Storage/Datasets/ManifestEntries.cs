using System.Globalization;
using System.Text.Json;

namespace Fleet.Storage.Datasets;

/// <summary>Turns the text of one manifest entry into an item: an absolute URI, or an "invalid:" item that says why not.</summary>
internal static class ManifestEntries
{
    private const int MaxQuoted = 200;

    /// <summary>
    /// The most bytes one entry may spend on columns it carries: they travel in the shard manifest and every row, so a
    /// 1 MB CSV record (the reader's own bound) in each of 100,000 entries of a shard must not reach a silo.
    /// </summary>
    public const int MaxColumnBytes = 64 * 1024;

    public static string Checkpoint(long line) => line.ToString(CultureInfo.InvariantCulture);

    public static DatasetItem Invalid(EntryPosition at, string reason, string raw) =>
        DatasetItem.Invalid($"{at.Label}: {reason}: {Quote(raw)}", at.Checkpoint);

    /// <summary>A JSON Lines entry: an object whose "uri" is a string; its other fields are the item's columns.</summary>
    public static DatasetItem FromJson(string text, Uri manifest, EntryPosition line)
    {
        string? value;
        Dictionary<string, JsonElement>? columns = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Invalid(line, "not a JSON object", text);
            if (!document.RootElement.TryGetProperty("uri", out var uri))
                return Invalid(line, "no uri field", text);
            if (uri.ValueKind != JsonValueKind.String)
                return Invalid(line, "uri is not a string", text);
            value = uri.GetString();
            foreach (var field in document.RootElement.EnumerateObject())
            {
                if (field.Name != "uri")
                    (columns ??= new(StringComparer.Ordinal))[field.Name] = field.Value.Clone();
            }
        }
        catch (JsonException e)
        {
            return Invalid(line, $"invalid JSON ({e.Message})", text);
        }
        return WithColumns(Resolve(value ?? "", manifest, line), columns, line, text);
    }

    /// <summary>
    /// <paramref name="item"/> carrying <paramref name="columns"/>; an entry whose columns exceed <see cref="MaxColumnBytes"/>
    /// (measured by its whole text, <paramref name="raw"/>) becomes an invalid item, so it is an error row, not a lost image.
    /// </summary>
    public static DatasetItem WithColumns(DatasetItem item, Dictionary<string, JsonElement>? columns, EntryPosition line, string raw)
    {
        if (columns is null || item.IsInvalid)
            return item;
        if (System.Text.Encoding.UTF8.GetByteCount(raw) > MaxColumnBytes)
            return Invalid(line, $"its columns are over {MaxColumnBytes / 1024} KiB", raw);
        return item with { Columns = columns };
    }

    /// <summary>
    /// An absolute http(s) URI is kept as written (it is the user's identifier in result rows); file URIs and absolute
    /// paths become file:// URIs; anything else is relative to the manifest's own location.
    /// </summary>
    public static DatasetItem Resolve(string value, Uri manifest, EntryPosition line)
    {
        var text = value.Trim();
        var checkpoint = line.Checkpoint;
        if (text.Length == 0)
            return Invalid(line, "empty uri", value);

        if (Path.IsPathFullyQualified(text))
            return new DatasetItem(new Uri(Path.GetFullPath(text)).AbsoluteUri, checkpoint);

        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute))
        {
            if (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps)
                return new DatasetItem(text, checkpoint);
            if (absolute.IsFile)
                return new DatasetItem(absolute.AbsoluteUri, checkpoint);
            return Invalid(line, $"unsupported scheme '{absolute.Scheme}' (use http(s), file or a path)", text);
        }
        if (text.Contains("://", StringComparison.Ordinal))
            return Invalid(line, "unparseable uri", text);

        if (manifest.IsFile)
        {
            // Resolved as a path, not a URL reference, so '#', '%' and '?' in file names stay part of the name.
            var directory = Path.GetDirectoryName(manifest.LocalPath) ?? "/";
            return new DatasetItem(new Uri(Path.GetFullPath(Path.Combine(directory, text))).AbsoluteUri, checkpoint);
        }
        if (!Uri.TryCreate(manifest, text, out var resolved))
            return Invalid(line, "unparseable relative uri", text);
        // A SAS manifest's siblings are usually covered by the same (container) SAS; without it they could not be read.
        // The SAS goes only to the manifest's own account and container: a "//evil.example/x.jpg" line must not get it.
        if (string.IsNullOrEmpty(resolved.Query) && manifest.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase) && InSameContainer(resolved, manifest))
            resolved = new UriBuilder(resolved) { Query = manifest.Query.TrimStart('?') }.Uri;
        return new DatasetItem(resolved.AbsoluteUri, checkpoint);
    }

    /// <summary>Same scheme, account and container (both canonical blob locations): where a container SAS is valid.</summary>
    private static bool InSameContainer(Uri item, Uri manifest)
    {
        try
        {
            var (a, b) = (BlobLocation.Parse(item), BlobLocation.Parse(manifest));
            return a.IsIn(b.AccountUri) && string.Equals(a.Container, b.Container, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false; // Not canonical, or no container: no SAS for it.
        }
    }

    private static string Quote(string raw)
    {
        var text = raw.Trim();
        return text.Length <= MaxQuoted ? text : string.Concat(text.AsSpan(0, MaxQuoted), "...");
    }
}
