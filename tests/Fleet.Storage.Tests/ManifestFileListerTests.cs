using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Samples;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class ManifestFileListerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 3 };

    private DatasetListerFactory Factory(HttpClient? http = null, bool withAccount = true) => new(
        withAccount ? new StorageAccount(azurite.ConnectionString) : null,
        new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions { MirrorRoot = TestPaths.DataMirror }, new HttpClient()),
        StorageResilience.Create(Fast),
        http ?? new HttpClient(new FakeHttpHandler((_, _) => throw new InvalidOperationException("no http expected"))));

    private static async Task<string> WriteAsync(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static string FileUri(string path) => new Uri(path).AbsoluteUri;

    /// <summary>The lister the factory chose; every one comes wrapped in the tar expander.</summary>
    private static IDatasetLister Inner(IDatasetLister lister) => Assert.IsType<TarSampleLister>(lister).Inner;

    [Fact]
    public async Task Txt_manifest_resolves_relative_absolute_file_and_http_entries_and_skips_comments()
    {
        var folder = TestPaths.NewTempFolder("manifest-txt");
        var manifest = await WriteAsync(folder, "lists/set.txt", string.Join('\n',
            "# images for the demo",
            "",
            "img/a.jpg",
            "  ../up.png  ",
            "/data/abs/x.jpg",
            "file:///data/abs/y%20z.jpg",
            "https://example.invalid/c/d.jpg?sig=abc",
            "weird#name.bin",
            "s3://bucket/k.jpg",
            "\t# indented comment") + "\n");

        var lister = await Factory().CreateAsync(manifest, default);
        var items = await lister.ListAsync(null, default).ToListAsync();

        Assert.IsType<ManifestFileLister>(Assert.IsType<TarSampleLister>(lister).Inner);
        Assert.Equal(
        [
            new(FileUri(Path.Combine(folder, "lists/img/a.jpg")), "3"),
            new(FileUri(Path.Combine(folder, "up.png")), "4"),
            new("file:///data/abs/x.jpg", "5"),
            new("file:///data/abs/y%20z.jpg", "6"),
            new("https://example.invalid/c/d.jpg?sig=abc", "7"),
            new(FileUri(Path.Combine(folder, "lists/weird#name.bin")), "8"),
            DatasetItem.Invalid("line 9: unsupported scheme 's3' (use http(s), file or a path): s3://bucket/k.jpg", "9"),
        ], items);
        Assert.Equal(Path.Combine(folder, "lists/weird#name.bin"), new Uri(items[5].Uri).LocalPath);
    }

    [Fact]
    public async Task Jsonl_manifest_keeps_bad_lines_as_invalid_items_with_their_line()
    {
        var folder = TestPaths.NewTempFolder("manifest-jsonl");
        var manifest = await WriteAsync(folder, "set.JSONL", string.Join('\n',
            "{\"uri\":\"a.jpg\",\"label\":\"cat\"}",
            "{\"uri\": \"https://example.invalid/b.jpg\"}",
            "not json",
            "",
            "{\"url\":\"c.jpg\"}",
            "{\"uri\":5}",
            "[1,2]",
            "{\"uri\":\"\"}"));

        var items = await (await Factory().CreateAsync(FileUri(manifest), default)).ListAsync(null, default).ToListAsync();

        Assert.Equal(7, items.Count);
        Assert.Equal((FileUri(Path.Combine(folder, "a.jpg")), "1"), (items[0].Uri, items[0].Checkpoint));
        // The line's other fields are the item's columns, carried into its row.
        Assert.Equal("cat", Assert.Single(items[0].Columns!, c => c.Key == "label").Value.GetString());
        Assert.Null(items[1].Columns);
        Assert.Equal(new DatasetItem("https://example.invalid/b.jpg", "2"), items[1]);
        Assert.All(items.Skip(2), i => Assert.True(i.IsInvalid));
        Assert.StartsWith("invalid:line 3: invalid JSON", items[2].Uri);
        Assert.Equal("invalid:line 5: no uri field: {\"url\":\"c.jpg\"}", items[3].Uri);
        Assert.StartsWith("invalid:line 6: uri is not a string", items[4].Uri);
        Assert.StartsWith("invalid:line 7: not a JSON object", items[5].Uri);
        Assert.StartsWith("invalid:line 8: empty uri", items[6].Uri);
        Assert.Equal(["3", "5", "6", "7", "8"], items.Skip(2).Select(i => i.Checkpoint));
    }

    [Fact]
    public async Task Csv_manifest_reads_the_uri_column_with_rfc4180_quoting()
    {
        var folder = TestPaths.NewTempFolder("manifest-csv");
        var manifest = await WriteAsync(folder, "set.csv",
            "id,URI,caption\r\n" +
            "1,a.jpg,\"hello, world\"\r\n" +
            "2,\"b,c.jpg\",\"say \"\"hi\"\"\"\r\n" +
            "3,d.jpg,\"two\r\nlines\"\r\n" +
            "\r\n" +
            "4,,empty\r\n" +
            "5\r\n" +
            "6,\"https://example.invalid/e f.jpg\",ok\r\n" +
            "7,\"unterminated.jpg,oops\r\n" +
            "8,lost.jpg,x\r\n");

        var items = await (await Factory().CreateAsync(manifest, default)).ListAsync(null, default).ToListAsync();

        Assert.Equal(
        [
            (FileUri(Path.Combine(folder, "a.jpg")), "2"),
            (FileUri(Path.Combine(folder, "b,c.jpg")), "3"),
            (FileUri(Path.Combine(folder, "d.jpg")), "4"),
            ("invalid:line 7: no uri field: 4,,empty", "7"),
            ("invalid:line 8: no uri field: 5", "8"),
            ("https://example.invalid/e f.jpg", "9"),
        ], items.Take(6).Select(i => (i.Uri, i.Checkpoint)));
        // The other columns by header name, as the text of their fields.
        Assert.Equal("1", items[0].Columns!["id"].GetString());
        Assert.Equal("hello, world", items[0].Columns!["caption"].GetString());
        Assert.Equal("say \"hi\"", items[1].Columns!["caption"].GetString());
        // An unclosed quote swallows the rest of the file: that must show up as an error, not as a valid item.
        var last = Assert.Single(items.Skip(6));
        Assert.StartsWith("invalid:line 10: malformed CSV", last.Uri);
    }

    [Fact]
    public async Task Csv_manifest_without_a_uri_column_is_a_clear_error()
    {
        var folder = TestPaths.NewTempFolder("manifest-nouri");
        var manifest = await WriteAsync(folder, "set.csv", "id,path\n1,a.jpg\n");
        var lister = await Factory().CreateAsync(manifest, default);

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));
        Assert.Contains("no 'uri' column", error.Message);
        await Assert.ThrowsAsync<DatasetNotFoundException>(async () => await lister.ListAsync(null, default).ToListAsync());
    }

    [Fact]
    public async Task Missing_manifests_are_clear_errors_wherever_they_live()
    {
        var notFound = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.NotFound));
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"m-{Guid.NewGuid():N}");
        await container.CreateAsync();
        var factory = Factory(new HttpClient(notFound));

        foreach (var dataset in new[] { "/no/such/list.txt", $"{container.Uri}/missing.jsonl", "https://example.invalid/lists/missing.csv?sv=1&sig=x" })
        {
            var lister = await factory.CreateAsync(dataset, default);
            var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));
            Assert.Contains("does not exist", error.Message);
            Assert.DoesNotContain("sig=", error.Message);
            await Assert.ThrowsAsync<DatasetNotFoundException>(async () => await lister.ListAsync(null, default).ToListAsync());
        }
        Assert.Equal(2, notFound.Calls);
    }

    [Fact]
    public async Task Factory_tells_manifests_from_folders_and_prefixes_by_extension_ignoring_the_query()
    {
        var factory = Factory();
        Assert.Equal(ManifestFormat.Csv, Assert.IsType<ManifestFileLister>(Inner(await factory.CreateAsync("https://example.invalid/c/list.CSV?sv=1&sig=2", default))).Format);
        Assert.Equal(ManifestFormat.JsonLines, Assert.IsType<ManifestFileLister>(Inner(await factory.CreateAsync("data/list.jsonl", default))).Format);
        Assert.Equal(ManifestFormat.Text, Assert.IsType<ManifestFileLister>(Inner(await factory.CreateAsync("file:///data/list.Txt", default))).Format);
        Assert.IsType<LocalFolderLister>(Inner(await factory.CreateAsync("/data/images", default)));
        Assert.IsType<BlobPrefixLister>(Inner(await factory.CreateAsync($"{azurite.Instance.BlobEndpoint}/c/photos/", default)));
    }

    [Fact]
    public async Task Blob_manifest_in_the_account_lists_relative_entries_as_blobs_read_with_the_account_credential()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"m-{Guid.NewGuid():N}");
        await container.CreateAsync();
        await container.GetBlobClient("lists/img/1.jpg").UploadAsync(BinaryData.FromString("one"));
        await container.GetBlobClient("lists/set.txt").UploadAsync(BinaryData.FromString("img/1.jpg\n../top.jpg\n"));
        var http = new FakeHttpHandler((_, _) => throw new InvalidOperationException("the account's blobs go through the SDK"));
        var account = new StorageAccount(azurite.ConnectionString);

        var items = await (await Factory(new HttpClient(http)).CreateAsync($"{container.Uri}/lists/set.txt", default)).ListAsync(null, default).ToListAsync();
        var bytes = await new ItemReader(account, StorageResilience.Create(Fast), new HttpClient(http)).ReadAsync(items[0].Uri, default);

        Assert.Equal([new($"{container.Uri}/lists/img/1.jpg", "1"), new($"{container.Uri}/top.jpg", "2")], items);
        Assert.Equal("one", Encoding.UTF8.GetString(bytes));
        Assert.Equal(0, http.Calls);
    }

    [Theory]
    [InlineData("txt", "img/1.jpg\nimg/2.jpg\n")]
    [InlineData("csv", "uri,label\nimg/1.jpg,a\n\"img/2.jpg\",b\n")]
    public async Task Sas_url_manifest_is_streamed_over_http_and_its_relative_entries_keep_the_sas(string kind, string text)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"m-{Guid.NewGuid():N}");
        await container.CreateAsync();
        await container.GetBlobClient("img/1.jpg").UploadAsync(BinaryData.FromString("first"));
        await container.GetBlobClient("img/2.jpg").UploadAsync(BinaryData.FromString("second"));
        await container.GetBlobClient($"set.{kind}").UploadAsync(BinaryData.FromString(text));
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var manifest = new BlobUriBuilder(sas) { BlobName = $"set.{kind}" }.ToUri().AbsoluteUri;
        using var http = new HttpClient();

        // No account: every read is a plain GET against Azurite over loopback, as for any SAS URL.
        var lister = await Factory(http, withAccount: false).CreateAsync(manifest, default);
        var all = await ResumeAssert.ResumesExactlyAsync(lister, step: 1);
        var reader = new ItemReader(null, StorageResilience.Create(Fast), http);
        var bodies = await Task.WhenAll(all.Select(i => reader.ReadAsync(i.Uri, default)));

        Assert.Equal([$"{container.Uri}/img/1.jpg", $"{container.Uri}/img/2.jpg"], all.Select(i => ItemReader.Display(i.Uri)));
        Assert.All(all, i => Assert.Contains("sig=", i.Uri));
        Assert.Equal(["first", "second"], bodies.Select(b => Encoding.UTF8.GetString(b)));
    }
}
