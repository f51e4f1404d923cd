using System.Text.Json;
using Azure.Storage.Blobs;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Shards;
using Fleet.Testing;
using Parquet;
using Parquet.Schema;

namespace Fleet.Storage.Tests;

/// <summary>A manifest's own columns: read from Parquet, CSV and JSONL manifests, bounded, kept in shard manifests, named in rows.</summary>
public sealed class InputColumnTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private DatasetListerFactory Factory() => new(
        new StorageAccount(azurite.ConnectionString),
        new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions { MirrorRoot = TestPaths.DataMirror }, new HttpClient()),
        StorageResilience.Create(), new HttpClient());

    /// <summary>A Parquet table of URIs in row groups of <paramref name="groupSize"/>: uri, an int id and a string split.</summary>
    private static async Task<byte[]> ParquetManifestAsync(int rows, int groupSize, string uriColumn = "uri")
    {
        var uri = new DataField<string>(uriColumn);
        var id = new DataField<int>("id");
        var split = new DataField<string>("split");
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(uri, id, split), stream))
        {
            for (var start = 0; start < rows; start += groupSize)
            {
                var range = Enumerable.Range(start, Math.Min(groupSize, rows - start)).ToArray();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(uri, range.Select(i => $"img/{i:D3}.jpg").ToArray());
                await group.WriteAsync<int>(id, range.ToArray());
                await group.WriteAsync(split, range.Select(i => i % 2 == 0 ? "train" : "val").ToArray());
            }
        }
        return stream.ToArray();
    }

    [Fact]
    public async Task A_parquet_table_of_uris_lists_every_row_with_its_columns_and_resumes_exactly()
    {
        var folder = TestPaths.NewTempFolder("manifest-parquet");
        var path = Path.Combine(folder, "set.parquet");
        await File.WriteAllBytesAsync(path, await ParquetManifestAsync(rows: 10, groupSize: 4));

        var lister = await Factory().CreateAsync(path, default);
        await lister.EnsureExistsAsync(default);
        var items = await ResumeAssert.ResumesExactlyAsync(lister, step: 1);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => new Uri(Path.Combine(folder, $"img/{i:D3}.jpg")).AbsoluteUri), items.Select(i => i.Uri));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), items.Select(i => i.Checkpoint));
        Assert.Equal(7, items[7].Columns!["id"].GetInt32());
        Assert.Equal("val", items[7].Columns!["split"].GetString());
    }

    [Fact]
    public async Task A_parquet_manifest_in_a_blob_is_read_in_place()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"pq-{Guid.NewGuid():N}");
        await container.CreateAsync();
        await container.GetBlobClient("lists/set.parquet").UploadAsync(BinaryData.FromBytes(await ParquetManifestAsync(rows: 5, groupSize: 2)));

        var items = await (await Factory().CreateAsync($"{container.Uri}/lists/set.parquet", default)).ListAsync(null, default).ToListAsync();

        Assert.Equal($"{container.Uri}/lists/img/004.jpg", items[^1].Uri);
        Assert.Equal(4, items[^1].Columns!["id"].GetInt32());
    }

    [Fact]
    public async Task A_parquet_manifest_without_a_string_uri_column_is_a_clear_error()
    {
        var path = Path.Combine(TestPaths.NewTempFolder("manifest-parquet-nouri"), "set.parquet");
        await File.WriteAllBytesAsync(path, await ParquetManifestAsync(rows: 2, groupSize: 2, uriColumn: "path"));
        var lister = await Factory().CreateAsync(path, default);

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));
        Assert.Contains("no string 'uri' column", error.Message);

        await File.WriteAllTextAsync(path, "uri\na.jpg\n");
        Assert.Contains("not a Parquet file", (await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default))).Message);
    }

    [Fact]
    public async Task An_entry_whose_columns_are_over_the_bound_is_an_error_item_not_a_silent_drop()
    {
        var folder = TestPaths.NewTempFolder("manifest-bound");
        var path = Path.Combine(folder, "set.jsonl");
        await File.WriteAllLinesAsync(path, [
            JsonSerializer.Serialize(new { uri = "a.jpg", note = new string('x', ManifestEntries.MaxColumnBytes) }),
            JsonSerializer.Serialize(new { uri = "b.jpg", id = 2 }),
        ]);

        var items = await (await Factory().CreateAsync(path, default)).ListAsync(null, default).ToListAsync();

        Assert.StartsWith("invalid:line 1: its columns are over 64 KiB", items[0].Uri);
        Assert.Equal(2, items[1].Columns!["id"].GetInt32());
    }

    [Fact]
    public void Shard_manifests_keep_columns_and_still_read_the_bare_uris_of_older_manifests()
    {
        ShardItem[] items = [new("file:///a.jpg"), new("file:///b.jpg", new Dictionary<string, JsonElement> { ["id"] = JsonSerializer.SerializeToElement(7) })];

        var json = JsonSerializer.Serialize(items);
        var back = JsonSerializer.Deserialize<ShardItem[]>(json)!;

        Assert.StartsWith("[\"file:///a.jpg\",{", json);
        Assert.Equal("file:///b.jpg", back[1].Uri);
        Assert.Equal(7, back[1].Columns!["id"].GetInt32());
        Assert.Equal(["file:///x.jpg"], JsonSerializer.Deserialize<ShardItem[]>("[\"file:///x.jpg\"]")!.Select(i => i.Uri));
    }

    [Fact]
    public void A_column_named_like_one_of_Fleets_own_fields_keeps_its_value_under_an_input_prefix()
    {
        var fields = InputColumns.ToFields(new Dictionary<string, JsonElement>
        {
            ["id"] = JsonSerializer.SerializeToElement(1),
            ["label"] = JsonSerializer.SerializeToElement("cat"),
            ["input_label"] = JsonSerializer.SerializeToElement("dog"),
        })!;
        var row = new ResultRow { Uri = "u", Labels = [new ResultLabel("tabby", 281, 0.5f)], Model = new ResultModels("c", null), Input = fields };

        var json = row.ToJson();
        var back = ResultRow.Parse(json);

        Assert.Equal(["id", "input_input_label", "input_label"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("\"id\":1", json);
        Assert.Contains("\"input_label\":\"cat\"", json);
        Assert.Equal("tabby", back.Labels![0].Label);
        Assert.Equal("dog", back.Input!["input_input_label"].GetString());
    }
}
