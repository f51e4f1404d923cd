using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;
using Xunit.Abstractions;

namespace Fleet.Api.Tests;

/// <summary>
/// A 100,000-row job on Azurite paged through the rows API 1,000 rows at a time: every row once, and the API's managed
/// heap bounded by a page, not the job (the pager decodes one part at a time and keeps only the page).
/// </summary>
[Collection(ProcessMeasuringCollection.Name)]
public sealed class RowsPagingMemoryTests(ApiFixture api, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private const int Shards = 100;
    private const int RowsPerShard = 1000;
    private const int Limit = 1000;

    // Held rows would cost far more than this: 100,000 decoded rows with five labels and a caption are ~150 MB.
    private const long MaxHeapGrowth = 40L << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task Paging_a_100000_row_blob_job_returns_every_row_once_and_the_heap_stays_flat()
    {
        // The API reads the fleet's own account (Azurite), as deployed: the job's output is a blob container there.
        var factory = api.Factory.WithWebHostBuilder(web => web.UseSetting("Fleet:Storage:ConnectionString", api.Silo.Azurite.ConnectionString));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, ApiFixture.Key);
        var photos = TestPaths.NewTempFolder("paging-photos");
        File.Copy(Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First(), Path.Combine(photos, "one.jpg"));
        var outputUri = $"{api.Silo.Azurite.BlobEndpoint}/paging-memory";
        var submit = await client.PostAsJsonAsync("/jobs", new { jobId = "hundred-k", dataset = photos, output = outputUri, captions = false });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>("hundred-k"), TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Succeeded, final.State);

        // The job's 100 shards of 1,000 stand-in rows, staged and committed through the same result store the silos
        // write with (the real model on 100,000 photos would take an hour here; the pager only sees parts).
        var store = new ResultStoreFactory(StorageAccount.Create(new StorageSettings { ConnectionString = api.Silo.Azurite.ConnectionString }), StorageResilience.Create())
            .Create(outputUri);
        var format = ResultPartFormats.For("jsonl");
        await Parallel.ForEachAsync(Enumerable.Range(0, Shards), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (shard, ct) =>
        {
            var staged = await store.StageShardAsync("hundred-k", shard, Guid.NewGuid(), StandInRows(shard), [], format, ct);
            await staged.CommitAsync(ct);
        });

        var seen = new BitArray(Shards * RowsPerShard);
        var count = 0;
        var heap = new List<long>();
        var workingSet = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await client.GetFromJsonAsync<JobRowsPage>($"/jobs/hundred-k/rows?limit={Limit}{(cursor is null ? "" : $"&cursor={cursor}")}", Json))!;
            foreach (var row in page.Rows)
            {
                var index = int.Parse(Path.GetFileNameWithoutExtension(row.Uri)["img-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.False(seen[index], $"row {row.Uri} came twice");
                seen[index] = true;
                count++;
            }
            cursor = page.Next;
            if (++pages % 10 == 1)
            {
                heap.Add(GC.GetTotalMemory(forceFullCollection: true));
                workingSet.Add(Process.GetCurrentProcess().WorkingSet64);
            }
        }
        while (cursor is not null && pages < 2 * Shards);

        Assert.Equal(Shards * RowsPerShard, count);
        output.WriteLine($"pages {pages}; managed heap after pages 1, 11, 21, ... (MiB): {string.Join(", ", heap.Select(Mib))}");
        output.WriteLine($"working set (MiB): {string.Join(", ", workingSet.Select(Mib))}");
        // The first sample is after one page (the pager's code, the clients and one part already loaded): later pages
        // must not add to it, whatever was read before. (Alone in the process: 41 MiB at every sample.)
        Assert.True(heap.Max() - heap[0] < MaxHeapGrowth, $"the heap grew from {Mib(heap[0])} to {Mib(heap.Max())} MiB while paging");
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);

    private static List<ResultRow> StandInRows(int shard)
    {
        var model = new ResultModels("mobilenetv2-12-int8", "fleet-caption-gpt2-small", "CPUExecutionProvider");
        return Enumerable.Range(0, RowsPerShard).Select(i => new ResultRow
        {
            Uri = $"https://photos.example/set/img-{shard * RowsPerShard + i:D6}.jpg",
            Labels = [.. Enumerable.Range(0, 5).Select(k => new ResultLabel($"label {k} of row {i}", k, 0.9f - k * 0.1f))],
            Caption = $"A stand-in caption for photo {shard * RowsPerShard + i}, long enough to weigh what a real one does.",
            Model = model,
            Shard = shard,
        }).ToList();
    }
}
