using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

/// <summary>WebDataset tars through a real silo with the real classifier: every sample one row, its JSON carried, damage as rows.</summary>
public sealed class WebDatasetEndToEndTests(FleetSiloFixture fleet) : IClassFixture<FleetSiloFixture>
{
    private IResultStore Store(string output) =>
        new ResultStoreFactory(new StorageAccount(fleet.Azurite.ConnectionString), StorageResilience.Create()).Create(output);

    /// <summary>The sample number a row's member URI names (…#000123.jpg).</summary>
    private static int Sample(ResultRow row) => int.Parse(row.Uri[(row.Uri.LastIndexOf('#') + 1)..^4], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_tar_of_200_photos_is_labeled_exactly_once_with_each_samples_id_carried_into_its_row()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-e2e"), "shard-000000.tar"), 200);
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-wds", new JobSpec { Dataset = tar, Output = output, ShardSize = 64, TopK = 1 });

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((200, 200, 0, 4), (status.ImagesTotal, status.ImagesSucceeded, status.ImagesFailed, status.ShardsTotal));
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-wds");
        audit.AssertExactlyOnce(WebDatasetTar.MemberUris(new Uri(tar).AbsoluteUri, 200));
        Assert.All(audit.Rows, r => Assert.Equal(WebDatasetTar.Id(Sample(r)), r.Input!["id"].GetString()));
        // Each member's own bytes were labeled: sample i and i+100 are the same photo, and most photos get their own class.
        var bySample = audit.Rows.ToDictionary(Sample);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(bySample[i].Labels![0].ClassId, bySample[i + 100].Labels![0].ClassId));
        var synsets = File.ReadLines(Path.Combine(TestPaths.ModelMirror, "imagenet-labels", "synset.txt")).Select(l => l[..9]).ToList();
        var photos = SamplePhotos.All();
        var correct = Enumerable.Range(0, 100).Count(i => synsets[bySample[i].Labels![0].ClassId] == Path.GetFileName(photos[i])[..9]);
        Assert.True(correct >= 60, $"{correct}/100 top-1 correct");
    }

    [Fact]
    public async Task A_tar_with_one_damaged_member_gives_one_error_row_and_every_other_sample_is_labeled()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-e2e"), "damaged.tar"), 200,
            (i, photo) => i == 57 ? SamplePhotos.CorruptJpeg() : photo);
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-wds-damaged", new JobSpec { Dataset = tar, Output = output, ShardSize = 100, MaxFailedFraction = 0.05 });

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((200, 199, 1), (status.ImagesTotal, status.ImagesSucceeded, status.ImagesFailed));
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-wds-damaged");
        audit.AssertExactlyOnce(WebDatasetTar.MemberUris(new Uri(tar).AbsoluteUri, 200));
        var error = Assert.Single(audit.Errors);
        Assert.EndsWith("damaged.tar#000057.jpg", error.Uri);
        Assert.StartsWith("decode: ", error.Error);
        Assert.Equal(WebDatasetTar.Id(57), error.Input!["id"].GetString());
        // `fleet verify`'s check from the outside: the tar listed again, every member in exactly one row.
        var account = new StorageAccount(fleet.Azurite.ConnectionString);
        var listers = new Fleet.Storage.Datasets.DatasetListerFactory(account, new Fleet.Storage.Samples.SampleDatasetResolver(
            Fleet.Storage.Samples.SampleDatasetCatalog.LoadDefault(), new Fleet.Storage.Samples.SampleDatasetOptions(), new HttpClient()), StorageResilience.Create(), new HttpClient());
        var report = await Fleet.Storage.Verification.DatasetVerifier.VerifyAsync(await listers.CreateAsync(tar, default), Store(output), "e2e-wds-damaged", default);
        Assert.Equal((200L, 200L, 1L, 0L, 0L, 0L), (report.DatasetImages, report.Rows, report.ErrorRows, report.MissingCount, report.DuplicatedCount, report.UnexpectedCount));
    }

    [Fact]
    public async Task A_tar_cut_short_is_labeled_up_to_the_cut_and_the_cut_member_is_its_error_row()
    {
        var tar = WebDatasetTar.Write(Path.Combine(TestPaths.NewTempFolder("wds-e2e"), "cut.tar"), 20);
        var photo = WebDatasetTar.Photo(19).Length;
        // Cut halfway into the last photo: what follows it (its own .json, the end blocks) is gone too.
        using (var file = File.OpenWrite(tar))
            file.SetLength(file.Length - 1024 - 1024 - (photo / 2));
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-wds-cut", new JobSpec { Dataset = tar, Output = output, ShardSize = 8, MaxFailedFraction = 0.1 });

        Assert.Equal(JobState.Succeeded, status.State);
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-wds-cut");
        audit.AssertExactlyOnce(WebDatasetTar.MemberUris(new Uri(tar).AbsoluteUri, 20));
        var error = Assert.Single(audit.Errors);
        Assert.EndsWith("cut.tar#000019.jpg", error.Uri);
        Assert.StartsWith("read: ", error.Error);
        Assert.Contains("truncated", error.Error);
    }

    [Fact]
    public async Task A_prefix_of_blob_tars_in_Azurite_is_labeled_exactly_once_into_blob_output()
    {
        var account = new StorageAccount(fleet.Azurite.ConnectionString);
        var input = account.Blobs.GetBlobContainerClient("wds-in");
        await input.CreateIfNotExistsAsync();
        var folder = TestPaths.NewTempFolder("wds-e2e");
        await input.GetBlobClient("shards/train-0.tar").UploadAsync(WebDatasetTar.Write(Path.Combine(folder, "a.tar"), 30), overwrite: true);
        await input.GetBlobClient("shards/train-1.tar").UploadAsync(WebDatasetTar.Write(Path.Combine(folder, "b.tar"), 25), overwrite: true);
        var output = $"{fleet.Azurite.BlobEndpoint}/results/wds";

        var status = await fleet.RunAsync("e2e-wds-blob", new JobSpec { Dataset = $"{input.Uri}/shards/", Output = output, ShardSize = 16, Format = ResultFormats.Parquet });

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((55, 55), (status.ImagesTotal, status.ImagesSucceeded));
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-wds-blob");
        audit.AssertExactlyOnce(WebDatasetTar.MemberUris($"{input.Uri}/shards/train-0.tar", 30).Concat(WebDatasetTar.MemberUris($"{input.Uri}/shards/train-1.tar", 25)));
        Assert.All(audit.Rows, r => Assert.Equal(WebDatasetTar.Id(Sample(r)), r.Input!["id"].GetString()));
    }
}
