using System.Formats.Tar;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Reads the samples of one WebDataset tar from its headers (System.Formats.Tar's TarReader over the stream; nothing is
/// unpacked to disk): each sample's image member becomes an item with the member's byte range, its .json fields (and
/// .cls/.txt text) its columns. Image data is skipped, never read here: the worker reads each member by range.
/// Damage becomes items, never a failed listing: a sample without an image, unreadable or oversized JSON, or a tar whose
/// headers stop making sense (the samples before it are kept; one invalid item says where the rest was lost).
/// </summary>
internal static class TarSampleReader
{
    /// <summary>A sample's text members named by these suffixes are carried as columns; other non-image members are ignored.</summary>
    private static readonly string[] TextSuffixes = ["cls", "txt"];

    /// <summary>One sample: its image member's item, or the reason it has none (an invalid item).</summary>
    public sealed record Sample(string Uri, ItemRange? Range, IReadOnlyDictionary<string, JsonElement>? Columns)
    {
        public DatasetItem ToItem(string checkpoint) => new(Uri, checkpoint) { Range = Range, Columns = Columns };
    }

    public static async IAsyncEnumerable<Sample> ReadAsync(TarArchiveOpener.OpenTar tar, string tarUri, IReadOnlyDictionary<string, JsonElement>? tarColumns,
        int maxMembers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var counting = tar.Stream.CanSeek ? null : new CountingReadStream(tar.Stream);
        using var reader = new TarReader(counting ?? tar.Stream, leaveOpen: true);
        Pending? pending = null;
        var members = 0;
        long lastEnd = 0;
        while (true)
        {
            var (entry, damage) = await NextAsync(reader, cancellationToken).ConfigureAwait(false);
            if (damage is not null)
            {
                if (pending is not null)
                    yield return pending.ToSample(tarUri, tarColumns);
                // Where reading stopped: past the end of the last member's data, something after it was lost; before, the
                // tar was cut inside that member, whose own ranged read becomes its error row.
                var at = counting?.Position ?? tar.Stream.Position;
                if ((tar.Length ?? at) >= lastEnd)
                    yield return Invalid($"{ItemReader.Display(tarUri)}#@{at}", $"the tar is damaged near byte {at} ({damage.Message}); members after it could not be read");
                yield break;
            }
            if (entry is null)
                break;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
                continue;
            if (++members > maxMembers)
            {
                if (pending is not null)
                    yield return pending.ToSample(tarUri, tarColumns);
                yield return Invalid(tarUri, entry.Name, $"the tar has more than {maxMembers} members; the rest were not read (Fleet:Limits:MaxTarMembers)");
                yield break;
            }
            var offset = entry.DataOffset >= 0 ? entry.DataOffset : counting!.Position;
            lastEnd = offset + entry.Length;
            if (!TarShards.TrySplit(entry.Name, out var key, out var suffix))
                continue;
            if (pending is not null && pending.Key != key)
            {
                yield return pending.ToSample(tarUri, tarColumns);
                pending = null;
            }
            pending ??= new Pending(key);
            pending.Suffixes.Add(suffix);
            if (ImageFileTypes.IsImage(entry.Name))
                pending.Image ??= (entry.Name, new ItemRange(offset, entry.Length));
            else if (suffix.Equals("json", StringComparison.OrdinalIgnoreCase) || TextSuffixes.Contains(suffix, StringComparer.OrdinalIgnoreCase))
                await pending.AddTextAsync(entry, suffix.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        }
        if (pending is not null)
            yield return pending.ToSample(tarUri, tarColumns);
    }

    /// <summary>The next entry, or what made the tar unreadable from here (a bad header, or the stream ending inside one).</summary>
    private static async Task<(TarEntry? Entry, Exception? Damage)> NextAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            return (null, e);
        }
    }

    private static Sample Invalid(string tarUri, string member, string reason) =>
        Invalid(ItemReader.Display(TarShards.MemberUri(tarUri, member)), reason);

    private static Sample Invalid(string where, string reason) => new($"{DatasetItem.InvalidPrefix}{where}: {reason}", null, null);

    /// <summary>The members of the sample being read.</summary>
    private sealed class Pending(string key)
    {
        private Dictionary<string, JsonElement>? _columns;
        private long _textBytes;
        private string? _fault;

        public string Key { get; } = key;
        public (string Name, ItemRange Range)? Image { get; set; }
        public List<string> Suffixes { get; } = [];

        public async Task AddTextAsync(TarEntry entry, string suffix, CancellationToken cancellationToken)
        {
            _textBytes += entry.Length;
            if (_fault is not null)
                return;
            // The same bound as a manifest line's columns: they travel in the shard manifest and every row.
            if (_textBytes > ManifestEntries.MaxColumnBytes)
            {
                _fault = $"its columns are over {ManifestEntries.MaxColumnBytes / 1024} KiB";
                return;
            }
            var bytes = new byte[entry.Length];
            var read = entry.DataStream is { } data ? await data.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) : 0;
            if (read < bytes.Length)
            {
                _fault = $"{entry.Name} is truncated ({read} of {bytes.Length} bytes)";
                return;
            }
            _columns ??= new(StringComparer.Ordinal);
            if (suffix != "json")
            {
                _columns[suffix] = JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(bytes).Trim());
                return;
            }
            try
            {
                using var document = JsonDocument.Parse(bytes);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    _columns["json"] = document.RootElement.Clone();
                    return;
                }
                foreach (var field in document.RootElement.EnumerateObject())
                    _columns[field.Name] = field.Value.Clone();
            }
            catch (JsonException e)
            {
                _fault = $"{entry.Name} is not valid JSON ({e.Message})";
            }
        }

        public Sample ToSample(string tarUri, IReadOnlyDictionary<string, JsonElement>? tarColumns)
        {
            if (Image is not { } image)
                return Invalid(tarUri, Key, $"the sample has no image member (it has {string.Join(", ", Suffixes)})");
            if (_fault is not null)
                return Invalid(tarUri, image.Name, _fault);
            Dictionary<string, JsonElement>? columns = null;
            if (tarColumns is not null || _columns is not null)
            {
                // The manifest line that named the tar first, the sample's own values over it.
                columns = new(tarColumns ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
                foreach (var (name, value) in _columns ?? [])
                    columns[name] = value;
            }
            return new Sample(TarShards.MemberUri(tarUri, image.Name), image.Range, columns);
        }
    }
}
