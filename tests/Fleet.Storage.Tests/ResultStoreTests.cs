using Azure.Storage.Blobs;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class ResultStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    public static TheoryData<string> Kinds => new() { "local", "blob" };

    private IResultStore Create(string kind)
    {
        var factory = new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create());
        return kind == "local"
            ? factory.Create(TestPaths.NewTempFolder("results"))
            : factory.Create($"{azurite.Instance.BlobEndpoint}/results-{Guid.NewGuid():N}/some/prefix");
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Committing_a_shard_twice_replaces_it_instead_of_adding_rows(string kind)
    {
        var store = Create(kind);
        await store.CommitShardAsync("job", 3, ["{\"uri\":\"a\"}", "{\"uri\":\"b\"}"], ["{\"uri\":\"c\",\"error\":\"x\"}"], default);
        await store.CommitShardAsync("job", 3, ["{\"uri\":\"a\"}", "{\"uri\":\"b\"}", "{\"uri\":\"c\"}"], [], default);

        var rows = await store.ReadRowsAsync("job", default).ToListAsync();
        var parts = await store.ListPartsAsync("job", default).ToListAsync();

        Assert.Equal(["{\"uri\":\"a\"}", "{\"uri\":\"b\"}", "{\"uri\":\"c\"}"], rows);
        Assert.Equal(["job/part-000003.jsonl"], parts);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Error_rows_go_to_the_errors_folder_with_the_shard_number(string kind)
    {
        var store = Create(kind);
        await store.CommitShardAsync("job", 12, ["{\"uri\":\"a\"}"], ["{\"uri\":\"b\",\"error\":\"decode: bad\"}"], default);

        var parts = await store.ListPartsAsync("job", default).ToListAsync();

        Assert.Equal(["job/errors/part-000012.jsonl", "job/part-000012.jsonl"], parts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Blob_part_is_not_visible_until_its_block_list_is_committed()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"staged-{Guid.NewGuid():N}");
        await container.CreateAsync();
        var store = new BlobResultStore(container, "", StorageResilience.Create());

        // Stage a block as an interrupted writer would, without committing.
        var blob = container.GetBlobClient(ResultLayout.Part("job", 0));
        await new Azure.Storage.Blobs.Specialized.BlockBlobClient(blob.Uri, new Azure.Storage.StorageSharedKeyCredential(
            Fleet.Development.AzuriteInstance.AccountName, Fleet.Development.AzuriteInstance.AccountKey))
            .StageBlockAsync(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{Guid.NewGuid():N}-000000")), new MemoryStream("{\"uri\":\"half\"}\n"u8.ToArray()));

        Assert.Empty(await store.ReadRowsAsync("job", default).ToListAsync());
        await store.CommitShardAsync("job", 0, ["{\"uri\":\"whole\"}"], [], default);
        Assert.Equal(["{\"uri\":\"whole\"}"], await store.ReadRowsAsync("job", default).ToListAsync());
    }

    [Fact]
    public async Task A_late_attempt_cannot_overwrite_the_attempt_that_committed_first()
    {
        var store = Create("blob");
        var late = await store.StageShardAsync("job", 5, Guid.NewGuid(), ["{\"uri\":\"a\"}"], ["{\"uri\":\"b\",\"error\":\"read: timeout\"}"], default);
        var winner = await store.StageShardAsync("job", 5, Guid.NewGuid(), ["{\"uri\":\"a\"}", "{\"uri\":\"b\"}"], [], default);

        await winner.CommitAsync(default);
        await Assert.ThrowsAsync<ShardSupersededException>(() => late.CommitAsync(default));

        Assert.Equal(["{\"uri\":\"a\"}", "{\"uri\":\"b\"}"], await store.ReadRowsAsync("job", default).ToListAsync());
        Assert.Equal(["job/part-000005.jsonl"], await store.ListPartsAsync("job", default).ToListAsync());
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Staged_rows_are_invisible_until_committed(string kind)
    {
        var store = Create(kind);
        var staged = await store.StageShardAsync("job", 1, Guid.NewGuid(), ["{\"uri\":\"a\"}"], ["{\"uri\":\"b\",\"error\":\"x\"}"], default);

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
