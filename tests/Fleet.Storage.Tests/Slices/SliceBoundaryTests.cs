using System.Text;
using Fleet.Storage.Datasets;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Limits;

namespace Fleet.Storage.Tests.Slices;

/// <summary>
/// The byte-range rule of a manifest planned by slices: whatever the slice size, every entry is read by exactly one
/// slice, in order, with random line lengths, CRLF, no final newline, and lines longer than a slice.
/// </summary>
public sealed class SliceBoundaryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("slices-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(1, "\n", true)]
    [InlineData(2, "\r\n", true)]
    [InlineData(3, "\n", false)]
    [InlineData(4, "\r\n", false)]
    public async Task Every_line_is_read_by_exactly_one_slice_for_any_slice_size(int seed, string newline, bool finalNewline)
    {
        var random = new Random(seed);
        // Lengths from 1 to 300 bytes: many lines longer than the smaller slices.
        var names = Enumerable.Range(0, 200).Select(i => $"/data/{i:D4}-{new string('x', random.Next(0, 300))}.jpg").ToList();
        var text = string.Join(newline, names) + (finalNewline ? newline : "");
        var manifest = Write("list.txt", text);

        foreach (var sliceBytes in new long[] { 1, 2, 7, 64, 301, 4096, 1 << 20 })
        {
            var read = await ReadAllSlicesAsync(manifest, ManifestFormat.Text, sliceBytes);
            Assert.Equal(names.Select(n => new Uri(n).AbsoluteUri), read.Select(i => i.Item.Uri));
        }
    }

    [Fact]
    public async Task An_entry_names_the_byte_offset_of_its_line()
    {
        var manifest = Write("list.jsonl", "{\"uri\":\"/a.jpg\"}\n\nnot json\n");

        var read = await ReadAllSlicesAsync(manifest, ManifestFormat.JsonLines, 5);

        Assert.Equal([0L, 18L], read.Select(i => i.Offset));
        Assert.StartsWith("invalid:byte 18: invalid JSON", read[1].Item.Uri);
    }

    [Fact]
    public async Task A_csv_slice_reads_the_header_and_a_quoted_line_break_is_two_error_rows()
    {
        var manifest = Write("list.csv", "label,uri\ncat,/a.jpg\n\"multi\nline\",/b.jpg\ndog,\"/c,1.jpg\"\n");
        var header = await ManifestSliceReader.ReadHeaderAsync(new FileManifestSource(manifest), await VersionAsync(manifest), ItemLimits.Default, CancellationToken.None);

        var read = await ReadAllSlicesAsync(manifest, ManifestFormat.Csv, 3, header.DataStart);

        Assert.Equal(4, read.Count);
        Assert.Equal(new Uri("/a.jpg").AbsoluteUri, read[0].Item.Uri);
        Assert.Equal("cat", read[0].Item.Columns!["label"].GetString());
        Assert.StartsWith("invalid:byte 21: malformed CSV", read[1].Item.Uri);
        Assert.StartsWith("invalid:byte 28: malformed CSV", read[2].Item.Uri);
        Assert.Equal(new Uri("/c,1.jpg").AbsoluteUri, read[3].Item.Uri);
    }

    [Fact]
    public async Task A_file_changed_after_planning_is_refused_by_every_slice()
    {
        var manifest = Write("list.txt", "/a.jpg\n/b.jpg\n");
        var version = await VersionAsync(manifest);
        await File.AppendAllTextAsync(manifest, "/c.jpg\n");

        var changed = await Assert.ThrowsAsync<ManifestChangedException>(async () =>
            await ManifestSliceReader.ReadAsync(new FileManifestSource(manifest), ManifestFormat.Text, new Uri(manifest), new SliceBounds(0, 100, version), ItemLimits.Default, CancellationToken.None).ToListAsync());
        Assert.Contains("changed since the job planned it", changed.Message);
    }

    [Fact]
    public async Task An_owned_line_over_the_limit_throws_naming_its_byte_offset_and_a_skipped_one_does_not()
    {
        var manifest = Write("list.txt", "/a.jpg\n" + new string('x', 5000) + "\n/b.jpg\n");
        var version = await VersionAsync(manifest);
        var limits = new ItemLimits { MaxManifestLineLength = 4096 };
        var source = new FileManifestSource(manifest);

        var tooLong = await Assert.ThrowsAsync<DatasetLimitException>(async () =>
            await ManifestSliceReader.ReadAsync(source, ManifestFormat.Text, new Uri(manifest), new SliceBounds(0, 8, version), limits, CancellationToken.None).ToListAsync());
        var after = await ManifestSliceReader.ReadAsync(source, ManifestFormat.Text, new Uri(manifest), new SliceBounds(8, 6000, version), limits, CancellationToken.None).ToListAsync();

        Assert.Contains("the line at byte 7 is longer than 4,096 bytes (Fleet:Limits:MaxManifestLineLength)", tooLong.Message);
        Assert.Equal(new Uri("/b.jpg").AbsoluteUri, Assert.Single(after).Item.Uri);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    private static async Task<string> VersionAsync(string manifest) => (await new FileManifestSource(manifest).HeadAsync(CancellationToken.None)).Version;

    private static async Task<List<SlicedItem>> ReadAllSlicesAsync(string manifest, ManifestFormat format, long sliceBytes, long dataStart = 0)
    {
        var source = new FileManifestSource(manifest);
        var head = await source.HeadAsync(CancellationToken.None);
        var items = new List<SlicedItem>();
        for (var start = dataStart; start < head.Size; start += sliceBytes)
        {
            var slice = new SliceBounds(start, Math.Min(head.Size, start + sliceBytes), head.Version, dataStart);
            await foreach (var item in ManifestSliceReader.ReadAsync(source, format, new Uri(manifest), slice, ItemLimits.Default, CancellationToken.None))
                items.Add(item);
        }
        return items;
    }
}
