using System.Formats.Tar;
using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Samples;
using Fleet.Storage.Shards;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

/// <summary>WebDataset tars as datasets: samples from headers, member ranges read back, damage as items, resume, blobs and http.</summary>
public sealed class TarDatasetTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 2 };

    private StorageAccount Account => new(azurite.ConnectionString);

    private DatasetListerFactory Factory(HttpClient? http = null, ItemLimits? limits = null) => new(
        Account,
        new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions { MirrorRoot = TestPaths.DataMirror }, new HttpClient()),
        StorageResilience.Create(Fast),
        http ?? new HttpClient(new FakeHttpHandler((_, _) => throw new InvalidOperationException("no http expected"))),
        limits: limits);

    private ItemReader Reader(HttpClient? http = null) => new(Account, StorageResilience.Create(Fast), http ?? new HttpClient());

    private static async Task<List<DatasetItem>> ListAsync(DatasetListerFactory factory, string dataset) =>
        await (await factory.CreateAsync(dataset, default)).ListAsync(null, default).ToListAsync();

    [Fact]
    public async Task A_tar_of_200_photos_is_one_item_per_sample_with_its_json_as_columns_and_a_range_that_reads_back_the_photo()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds"), "shard-000000.tar"), 200);
        var tarUri = new Uri(tar).AbsoluteUri;

        var items = await ListAsync(Factory(), tar);

        Assert.Equal(WebDatasetTar.MemberUris(tarUri, 200), items.Select(i => i.Uri));
        Assert.All(items, i => Assert.False(i.IsInvalid));
        Assert.Equal(Enumerable.Range(0, 200).Select(WebDatasetTar.Id), items.Select(i => i.Columns!["id"].GetString()));
        Assert.Equal(Enumerable.Range(0, 200), items.Select(i => i.Columns!["n"].GetInt32()));
        var reader = Reader();
        for (var i = 0; i < items.Count; i++)
        {
            var bytes = await reader.ReadAsync(items[i].Uri, items[i].Range, pool: null, default);
            Assert.True(WebDatasetTar.Photo(i).SequenceEqual(bytes.Memory.ToArray()), $"sample {i}'s range reads another member's bytes");
        }
        Assert.Equal(items[7].Uri, ItemReader.Display(items[7].Uri)); // the row names the member: the fragment stays
    }

    [Fact]
    public async Task A_folder_of_tars_and_loose_photos_resumes_after_any_item_with_exactly_the_rest()
    {
        var folder = TestPaths.NewTempFolder("wds-folder");
        WebDatasetTar.Write(Path.Combine(folder, "a.tar"), 9);
        File.Copy(Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First(), Path.Combine(folder, "b.jpg"));
        WebDatasetTar.Write(Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "c")).FullName, "d.tar"), 6);

        var all = await ResumeAssert.ResumesExactlyAsync(await Factory().CreateAsync(folder, default), step: 1);

        Assert.Equal(16, all.Count);
        Assert.EndsWith("/a.tar#000008.jpg", all[8].Uri);
        Assert.EndsWith("/b.jpg", all[9].Uri);
        Assert.Null(all[9].Range);
        Assert.EndsWith("/c/d.tar#000000.jpg", all[10].Uri);
    }

    [Fact]
    public async Task A_tar_cut_short_inside_its_last_photo_lists_every_sample_and_only_that_member_fails_to_read()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-cut"), "cut.tar"), 12);
        var whole = await ListAsync(Factory(), tar);
        var last = whole[^1].Range!.Value;
        using (var file = File.OpenWrite(tar))
            file.SetLength(last.Offset + (last.Length / 2));

        var items = await ListAsync(Factory(), tar);

        Assert.Equal(whole.Select(i => (i.Uri, i.Range)), items.Select(i => (i.Uri, i.Range)));
        var reader = Reader();
        for (var i = 0; i < 11; i++)
            Assert.Equal(WebDatasetTar.Photo(i).Length, (await reader.ReadAsync(items[i].Uri, items[i].Range, null, default)).Length);
        var cut = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(items[11].Uri, items[11].Range, null, default));
        Assert.Contains("truncated", cut.Message);
        Assert.Equal("read", ItemErrorKinds.Of(cut));
        Assert.False(StorageResilience.IsTransient(cut));
    }

    [Fact]
    public async Task A_damaged_header_keeps_the_samples_before_it_and_the_rest_is_one_invalid_item()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-bad"), "bad.tar"), 10);
        var whole = await ListAsync(Factory(), tar);
        await using (var file = File.OpenWrite(tar))
        {
            // The checksum field of sample 5's image header (the 512 bytes before its data).
            file.Position = whole[5].Range!.Value.Offset - 512 + 148;
            await file.WriteAsync("garbage!"u8.ToArray());
        }

        var items = await ListAsync(Factory(), tar);

        Assert.Equal(whole.Take(5).Select(i => i.Uri), items.Take(5).Select(i => i.Uri));
        var rest = Assert.Single(items.Skip(5));
        Assert.True(rest.IsInvalid);
        Assert.Contains("bad.tar#@", rest.Uri);
        Assert.Contains("members after it could not be read", rest.Uri);
    }

    [Fact]
    public async Task Samples_without_an_image_or_with_bad_json_are_invalid_items_naming_the_member_and_text_members_are_columns()
    {
        var tar = Path.Combine(TestPaths.NewTempFolder("wds-odd"), "odd.tar");
        await using (var file = File.Create(tar))
        await using (var writer = new TarWriter(file))
        {
            var photo = WebDatasetTar.Photo(0);
            WebDatasetTar.Add(writer, "x/0001.jpg", photo);
            WebDatasetTar.Add(writer, "x/0001.cls", "207\n"u8.ToArray());
            WebDatasetTar.Add(writer, "x/0001.txt", "a dog"u8.ToArray());
            WebDatasetTar.Add(writer, "x/0002.json", """{"id":2}"""u8.ToArray());
            WebDatasetTar.Add(writer, "x/0003.jpg", photo);
            WebDatasetTar.Add(writer, "x/0003.json", "{not json"u8.ToArray());
            WebDatasetTar.Add(writer, "README", "no dot: in no sample"u8.ToArray());
            WebDatasetTar.Add(writer, "x/0004.jpg", photo);
            WebDatasetTar.Add(writer, "x/0004.json", Encoding.UTF8.GetBytes($$"""{"pad":"{{new string('p', 70_000)}}"}"""));
        }

        var items = await ListAsync(Factory(), tar);

        Assert.Equal(4, items.Count);
        Assert.EndsWith("odd.tar#x/0001.jpg", items[0].Uri);
        Assert.Equal(("207", "a dog"), (items[0].Columns!["cls"].GetString(), items[0].Columns!["txt"].GetString()));
        Assert.True(items[1].IsInvalid);
        Assert.Contains("odd.tar#x/0002: the sample has no image member (it has json)", items[1].Uri);
        Assert.Contains("odd.tar#x/0003.jpg: x/0003.json is not valid JSON", items[2].Uri);
        Assert.Contains("odd.tar#x/0004.jpg: its columns are over 64 KiB", items[3].Uri);
    }

    [Fact]
    public async Task More_members_than_the_limit_end_the_tar_with_one_invalid_item()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-many"), "many.tar"), 20);

        var items = await ListAsync(Factory(limits: new ItemLimits { MaxTarMembers = 10 }), tar);

        Assert.Equal(6, items.Count);
        Assert.All(items.Take(5), i => Assert.False(i.IsInvalid));
        Assert.Contains("more than 10 members", items[5].Uri);
        Assert.Contains("MaxTarMembers", items[5].Uri);
    }

    [Fact]
    public async Task A_blob_tar_in_Azurite_lists_the_same_ranges_as_the_file_and_its_members_read_back_by_range()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-blob"), "s.tar"), 30);
        var container = Account.Blobs.GetBlobContainerClient("wds-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateAsync();
        await container.GetBlobClient("shards/s-0.tar").UploadAsync(tar);
        await container.GetBlobClient("shards/s-1.tar").UploadAsync(tar);
        var fromFile = await ListAsync(Factory(), tar);

        var one = await ListAsync(Factory(), $"{container.Uri}/shards/s-0.tar");
        var prefix = await ListAsync(Factory(), $"{container.Uri}/shards/");

        Assert.Equal(WebDatasetTar.MemberUris($"{container.Uri}/shards/s-0.tar", 30), one.Select(i => i.Uri));
        Assert.Equal(fromFile.Select(i => i.Range), one.Select(i => i.Range)); // a download's counted offsets = the file's seeks
        Assert.Equal(fromFile.Select(i => i.Columns!["id"].GetString()), one.Select(i => i.Columns!["id"].GetString()));
        Assert.Equal(60, prefix.Count);
        Assert.EndsWith("s-1.tar#000029.jpg", prefix[^1].Uri);
        var reader = Reader();
        foreach (var k in new[] { 0, 17, 29 })
        {
            var member = await reader.ReadAsync(prefix[30 + k].Uri, prefix[30 + k].Range, null, default);
            Assert.Equal(WebDatasetTar.Photo(k), member.Memory.ToArray());
        }
    }

    [Fact]
    public async Task An_http_tar_is_listed_from_one_download_and_its_members_are_read_with_range_requests()
    {
        var bytes = await File.ReadAllBytesAsync(WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-http"), "h.tar"), 5));
        var ranges = new List<string>();
        var http = new FakeHttpHandler((request, _) =>
        {
            if (request.Headers.Range?.Ranges.Single() is not { From: { } from, To: { } to })
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
            lock (ranges)
                ranges.Add($"{from}-{to}");
            return new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new ByteArrayContent(bytes[(int)from..(int)(to + 1)]) };
        });
        const string Tar = "https://example.invalid/wds/h.tar?sig=secret";

        var items = await ListAsync(Factory(new HttpClient(http)), Tar);
        var read = await Reader(new HttpClient(http)).ReadAsync(items[3].Uri, items[3].Range, null, default);

        Assert.Equal("https://example.invalid/wds/h.tar?sig=secret#000003.jpg", items[3].Uri);
        Assert.Equal("https://example.invalid/wds/h.tar#000003.jpg", ItemReader.Display(items[3].Uri));
        Assert.Equal(WebDatasetTar.Photo(3), read.Memory.ToArray());
        Assert.Equal([$"{items[3].Range!.Value.Offset}-{items[3].Range!.Value.End - 1}"], ranges);
        var ignoring = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) });
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Reader(new HttpClient(ignoring)).ReadAsync(items[3].Uri, items[3].Range, null, default));
        Assert.Contains("range requests", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public async Task A_csv_manifest_of_tars_carries_its_columns_under_each_samples_own()
    {
        var folder = TestPaths.NewTempFolder("wds-csv");
        WebDatasetTar.Write(Path.Combine(folder, "t0.tar"), 3);
        WebDatasetTar.Write(Path.Combine(folder, "t1.tar"), 2);
        var manifest = Path.Combine(folder, "shards.csv");
        await File.WriteAllTextAsync(manifest, "uri,split,id\nt0.tar,train,overridden\nt1.tar,val,overridden\nmissing.tar,val,x\n");

        var items = await ResumeAssert.ResumesExactlyAsync(await Factory().CreateAsync(manifest, default), step: 1);

        Assert.Equal(6, items.Count);
        Assert.Equal(["train", "train", "train", "val", "val"], items.Take(5).Select(i => i.Columns!["split"].GetString()));
        Assert.Equal(WebDatasetTar.Id(1), items[4].Columns!["id"].GetString());
        Assert.True(items[5].IsInvalid);
        Assert.Contains("missing.tar: the tar could not be read", items[5].Uri);
    }

    [Fact]
    public void A_shard_item_with_a_range_round_trips_through_the_manifest_json()
    {
        var columns = new Dictionary<string, JsonElement> { ["id"] = JsonSerializer.SerializeToElement("p1") };
        ShardItem[] items = [new("file:///a.tar#1.jpg", columns, new ItemRange(1536, 4242)), new("file:///b.jpg"), new("file:///a.tar#2.jpg", null, new ItemRange(0, 0))];

        var back = JsonSerializer.Deserialize<ShardItem[]>(JsonSerializer.SerializeToUtf8Bytes(items))!;

        Assert.Equal(items.Select(i => (i.Uri, i.Range)), back.Select(i => (i.Uri, i.Range)));
        Assert.Equal("p1", back[0].Columns!["id"].GetString());
        Assert.Contains("\"file:///b.jpg\"", JsonSerializer.Serialize(items));
    }
}
