using Azure.Storage.Blobs;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class ResultStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    public static TheoryData<string> Kinds => new() { "local", "blob" };

    /// <summary>Every store with every part format: the commit protocol is the same bytes-in, part-out for each.</summary>
    public static TheoryData<string, string> KindsAndFormats => new() { { "local", "jsonl" }, { "blob", "jsonl" }, { "local", "parquet" }, { "blob", "parquet" } };

    private static readonly ResultModels Models = new("mobilenetv2-12-int8", null);

    private static ResultRow Row(string uri) => new() { Uri = uri, Labels = [new ResultLabel("tabby", 281, 0.5f)], Model = Models };

    private static ResultRow ErrorRow(string uri, string error) => new() { Uri = uri, Error = error, Model = Models };

    private static async Task<List<string>> UrisAsync(IResultStore store) =>
        await store.ReadRowsAsync("job", default).Select(line => ResultRow.Parse(line).Uri).ToListAsync();

    private IResultStore Create(string kind)
    {
        var factory = new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create());
        return kind == "local"
            ? factory.Create(TestPaths.NewTempFolder("results"))
            : factory.Create($"{azurite.Instance.BlobEndpoint}/results-{Guid.NewGuid():N}/some/prefix");
    }

    [Theory, MemberData(nameof(KindsAndFormats))]
    public async Task Committing_a_shard_twice_replaces_it_instead_of_adding_rows(string kind, string formatName)
    {
        var store = Create(kind);
        var format = ResultPartFormats.For(formatName);
        await store.CommitShardAsync("job", 3, [Row("a"), Row("b")], [ErrorRow("c", "read: x")], format, default);
        await store.CommitShardAsync("job", 3, [Row("a"), Row("b"), Row("c")], [], format, default);

        var parts = await store.ListPartsAsync("job", default).ToListAsync();

        Assert.Equal(["a", "b", "c"], await UrisAsync(store));
        Assert.Equal([$"job/part-000003.{formatName}"], parts);
    }

    [Theory, MemberData(nameof(KindsAndFormats))]
    public async Task Error_rows_go_to_the_errors_folder_with_the_shard_number(string kind, string formatName)
    {
        var store = Create(kind);
        await store.CommitShardAsync("job", 12, [Row("a")], [ErrorRow("b", "decode: bad")], ResultPartFormats.For(formatName), default);

        var parts = await store.ListPartsAsync("job", default).ToListAsync();
        var rows = await store.ReadRowsAsync("job", default).Select(ResultRow.Parse).ToListAsync();

        Assert.Equal([$"job/errors/part-000012.{formatName}", $"job/part-000012.{formatName}"], parts.Order(StringComparer.Ordinal));
        Assert.Equal("decode: bad", Assert.Single(rows, r => r.Uri == "b").Error);
        Assert.Null(Assert.Single(rows, r => r.Uri == "a").Error);
    }

    [Fact]
    public async Task Blob_part_is_not_visible_until_its_block_list_is_committed()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"staged-{Guid.NewGuid():N}");
        await container.CreateAsync();
        var store = new BlobResultStore(container, "", StorageResilience.Create());

        // Stage a block as an interrupted writer would, without committing.
        var blob = container.GetBlobClient(ResultLayout.Part("job", 0, JsonLinesPartFormat.Instance));
        await new Azure.Storage.Blobs.Specialized.BlockBlobClient(blob.Uri, new Azure.Storage.StorageSharedKeyCredential(
            Fleet.Development.AzuriteInstance.AccountName, Fleet.Development.AzuriteInstance.AccountKey))
            .StageBlockAsync(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{Guid.NewGuid():N}-000000")), new MemoryStream("{\"uri\":\"half\"}\n"u8.ToArray()));

        Assert.Empty(await store.ReadRowsAsync("job", default).ToListAsync());
        await store.CommitShardAsync("job", 0, [Row("whole")], [], JsonLinesPartFormat.Instance, default);
        Assert.Equal(["whole"], await UrisAsync(store));
    }

    [Theory, InlineData("jsonl"), InlineData("parquet")]
    public async Task A_late_attempt_cannot_overwrite_the_attempt_that_committed_first(string formatName)
    {
        var store = Create("blob");
        var format = ResultPartFormats.For(formatName);
        var late = await store.StageShardAsync("job", 5, Guid.NewGuid(), [Row("a")], [ErrorRow("b", "read: timeout")], format, default);
        var winner = await store.StageShardAsync("job", 5, Guid.NewGuid(), [Row("a"), Row("b")], [], format, default);

        await winner.CommitAsync(default);
        await Assert.ThrowsAsync<ShardSupersededException>(() => late.CommitAsync(default));

        Assert.Equal(["a", "b"], await UrisAsync(store));
        Assert.Equal([$"job/part-000005.{formatName}"], await store.ListPartsAsync("job", default).ToListAsync());
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Staged_rows_are_invisible_until_committed(string kind)
    {
        var store = Create(kind);
        var staged = await store.StageShardAsync("job", 1, Guid.NewGuid(), [Row("a")], [ErrorRow("b", "read: x")], JsonLinesPartFormat.Instance, default);

        Assert.Empty(await store.ListPartsAsync("job", default).ToListAsync());
        await staged.CommitAsync(default);
        Assert.Equal(2, (await store.ReadRowsAsync("job", default).ToListAsync()).Count);
    }

    [Fact]
    public void Result_row_serialises_as_the_design_documents()
    {
        var row = new ResultRow
        {
            Uri = "file:///x/a.jpg",
            Labels = [new ResultLabel("golden retriever", 207, 0.91f)],
            Model = new ResultModels("mobilenetv2-12-int8", null),
            Shard = 12,
        };

        Assert.Equal(
            "{\"uri\":\"file:///x/a.jpg\",\"labels\":[{\"label\":\"golden retriever\",\"classId\":207,\"score\":0.91}],\"model\":{\"classifier\":\"mobilenetv2-12-int8\"},\"shard\":12}",
            row.ToJson());
        Assert.Equal(row.Labels, ResultRow.Parse(row.ToJson()).Labels);
    }
}
