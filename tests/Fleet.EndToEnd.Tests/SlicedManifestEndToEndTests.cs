using Azure.Storage.Blobs;
using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Verification;
using Fleet.Testing;
using Xunit.Abstractions;

namespace Fleet.EndToEnd.Tests;

/// <summary>
/// Text manifests planned by byte ranges on a real cluster over Azurite: no shard manifests, each worker reads its slice
/// of the manifest blob, every image ends in exactly one row (a silo killed mid-job included), the image total ends
/// exact, and a manifest overwritten mid-job fails the job saying so. The sample block is small, so these manifests
/// are split by their average line length, as a large manifest is.
/// </summary>
public sealed class SlicedManifestEndToEndTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static readonly Dictionary<string, string?> SmallSample = new() { ["Fleet:Planning:SampleBytes"] = "2048" };

    [Fact]
    public async Task A_txt_manifest_blob_is_labeled_exactly_once_with_a_silo_killed_mid_job_and_no_shard_manifests()
    {
        var photos = SamplePhotoSet.Create(copies: 3);
        var manifest = await UploadManifestAsync("list.txt", string.Join("\n", SamplePhotoSet.Uris(photos)) + "\n");
        var outputUri = BlobOutput();
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 3, SmallSample);

        var planned = await cluster.SubmitAsync("sliced-txt", new JobSpec { Dataset = manifest, Output = outputUri, ShardSize = 10 });
        var before = await cluster.WaitAsync("sliced-txt", Timeout, s => s.ShardsDone >= 5 || s.State.IsTerminal());
        Assert.True(before.ImagesTotalEstimated, "a manifest larger than the sample block is planned by slices of estimated images");
        await cluster.KillSiloAsync(cluster.Silos[1]);
        var status = await cluster.WaitAsync("sliced-txt", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((300L, 300L, 0L, false), (status.ImagesTotal, status.ImagesSucceeded, status.ImagesFailed, status.ImagesTotalEstimated));
        AssertExactlyOnce(await VerifyAsync(manifest, outputUri, "sliced-txt"), 300);
        var jobs = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("fleet-jobs");
        if (await jobs.ExistsAsync())
            Assert.Empty(await jobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "sliced-txt/shards/", CancellationToken.None).ToListAsync());
        output.WriteLine($"{status.ShardsTotal} slices (planned with {planned.ShardsTotal}); silo killed after {before.ShardsDone}");
    }

    [Fact]
    public async Task A_csv_manifest_blob_with_columns_is_labeled_exactly_once_and_rows_carry_their_columns()
    {
        var photos = SamplePhotoSet.Create(copies: 1, perCopy: 60);
        var uris = SamplePhotoSet.Uris(photos).ToList();
        var manifest = await UploadManifestAsync("list.csv", "id,uri\r\n" + string.Concat(uris.Select((u, i) => $"p{i},\"{u}\"\r\n")));
        var outputUri = BlobOutput();
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 2, SmallSample);

        await cluster.SubmitAsync("sliced-csv", new JobSpec { Dataset = manifest, Output = outputUri, ShardSize = 7 });
        var status = await cluster.WaitAsync("sliced-csv", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((60L, 60L), (status.ImagesTotal, status.ImagesSucceeded));
        AssertExactlyOnce(await VerifyAsync(manifest, outputUri, "sliced-csv"), 60);
        var store = new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create()).Create(outputUri);
        var rows = await store.ReadRowsAsync("sliced-csv", CancellationToken.None).ToListAsync();
        Assert.Equal(60, rows.Count(r => r.Contains("\"id\":\"p", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_manifest_blob_overwritten_after_planning_fails_the_job_naming_the_change()
    {
        var photos = SamplePhotoSet.Create(copies: 1, perCopy: 30);
        var manifest = await UploadManifestAsync("changing.txt", string.Join("\n", SamplePhotoSet.Uris(photos)));
        // Planned with no worker anywhere; the manifest changes before any slice is read.
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 1, new Dictionary<string, string?>(SmallSample) { ["Fleet:Worker:Enabled"] = "false" });
        await cluster.SubmitAsync("sliced-changed", new JobSpec { Dataset = manifest, Output = BlobOutput(), ShardSize = 5 });
        await cluster.WaitAsync("sliced-changed", Timeout, s => s.PlanningComplete);
        await ManifestBlob("changing.txt").UploadAsync(new BinaryData(string.Join("\n", SamplePhotoSet.Uris(photos).Reverse())), overwrite: true);

        await cluster.StartSiloAsync(new Dictionary<string, string?> { ["Fleet:Worker:Enabled"] = "true" });
        var status = await cluster.WaitAsync("sliced-changed", Timeout);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("changed since the job planned it", status.Reason);
    }

    private BlobClient ManifestBlob(string name) =>
        new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("manifests").GetBlobClient(name);

    private async Task<string> UploadManifestAsync(string name, string text)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("manifests");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(text), overwrite: true);
        return blob.Uri.AbsoluteUri;
    }

    private string BlobOutput() => $"{azurite.Instance.BlobEndpoint}/out-{Guid.NewGuid():N}";

    private async Task<VerificationReport> VerifyAsync(string dataset, string outputUri, string jobId)
    {
        var account = new StorageAccount(azurite.ConnectionString);
        var resilience = StorageResilience.Create();
        var listers = new DatasetListerFactory(account, new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions(), new HttpClient()), resilience, new HttpClient());
        return await DatasetVerifier.VerifyAsync(await listers.CreateAsync(dataset, default), new ResultStoreFactory(account, resilience).Create(outputUri), jobId, default);
    }

    private static void AssertExactlyOnce(VerificationReport report, long images)
    {
        Assert.True(report.IsExactlyOnce, $"missing {report.MissingCount} ({string.Join(", ", report.Missing)}), duplicated {report.DuplicatedCount} ({string.Join(", ", report.Duplicated)}), unexpected {report.UnexpectedCount}");
        Assert.Equal(images, report.DatasetImages);
        Assert.Equal(images, report.Rows);
    }
}
