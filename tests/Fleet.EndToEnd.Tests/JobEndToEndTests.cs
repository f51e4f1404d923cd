using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

public sealed class JobEndToEndTests(FleetSiloFixture fleet) : IClassFixture<FleetSiloFixture>
{
    private IResultStore Store(string output) =>
        new ResultStoreFactory(new StorageAccount(fleet.Azurite.ConnectionString), StorageResilience.Create()).Create(output);

    private static IEnumerable<string> FileUris(string folder) =>
        Directory.GetFiles(folder).Select(f => new Uri(f).AbsoluteUri);

    [Fact]
    public async Task Twenty_photos_and_a_corrupt_file_each_end_in_exactly_one_row_and_the_job_succeeds()
    {
        var folder = SamplePhotos.Folder(20, ("zz-corrupt.jpg", SamplePhotos.CorruptJpeg()));
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-twenty", new JobSpec { Dataset = folder, Output = output, ShardSize = 6, MaxFailedFraction = 0.1 });

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((21, 20, 1, 4), (status.ImagesTotal, status.ImagesSucceeded, status.ImagesFailed, status.ShardsTotal));
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-twenty");
        audit.AssertExactlyOnce(FileUris(folder));
        var error = Assert.Single(audit.Errors);
        Assert.EndsWith("zz-corrupt.jpg", error.Uri);
        Assert.StartsWith("decode: ", error.Error);
        Assert.Null(error.Labels);
        Assert.All(audit.Labeled, r => Assert.Equal(5, r.Labels!.Count));
        Assert.True(File.Exists(Path.Combine(output, "e2e-twenty", "errors", $"part-{error.Shard:D6}.jsonl")));
        Assert.True(File.Exists(Path.Combine(output, "e2e-twenty", ResultLayout.SuccessMarker)));
    }

    [Fact]
    public async Task Labels_are_right_for_most_photos_end_to_end()
    {
        var folder = SamplePhotos.Folder(20);
        var output = TestPaths.NewTempFolder("out");

        await fleet.RunAsync("e2e-accuracy", new JobSpec { Dataset = folder, Output = output, TopK = 1 });

        var rows = (await RowAudit.ReadAsync(Store(output), "e2e-accuracy")).Labeled.ToList();
        var synsets = File.ReadLines(Path.Combine(TestPaths.ModelMirror, "imagenet-labels", "synset.txt")).Select(l => l[..9]).ToList();
        var correct = rows.Count(r => synsets[r.Labels![0].ClassId] == Path.GetFileName(new Uri(r.Uri).LocalPath)[..9]);
        Assert.True(correct >= 14, $"{correct}/20 top-1 correct");
    }

    [Fact]
    public async Task With_a_captioner_every_labeled_row_gets_a_grounded_caption_and_the_fingerprint_names_it()
    {
        var folder = SamplePhotos.Folder(8, ("zz-corrupt.jpg", SamplePhotos.CorruptJpeg()));
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-captions", new JobSpec
        {
            Dataset = folder, Output = output, ShardSize = 5, MaxFailedFraction = 0.2,
            Captioner = "fleet-caption-gpt2-small", Caption = new CaptionOptions { PromptLabels = 2, MaxNewTokens = 20 },
        });

        Assert.Equal(JobState.Succeeded, status.State);
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-captions");
        audit.AssertExactlyOnce(FileUris(folder));
        // The rule's checker over what the engine wrote: every word free or licensed by the row's own labels and scores.
        var catalog = Fleet.Models.ModelCatalog.Load(Path.Combine(TestPaths.RepoRoot, "models", "catalog.json"));
        var lexicon = Fleet.Inference.Captioning.Grounding.CaptionLexicon.Load(Path.Combine(TestPaths.RepoRoot, "models", "caption-lexicon", catalog.Get("caption-lexicon").File));
        var checker = new Fleet.Inference.Captioning.Grounding.GroundingChecker(lexicon, Fleet.Inference.Captioning.Grounding.GroundingRule.Default);
        Assert.All(audit.Labeled, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Caption));
            Assert.DoesNotContain("labels:", r.Caption);
            Assert.Equal("fleet-caption-gpt2-small", r.Model.Captioner);
            var verdict = checker.Check(r.Caption!, [.. r.Labels!.Select(l => new Fleet.Inference.Classification.Prediction(l.Label, l.ClassId, l.Score))]);
            Assert.True(verdict.Grounded && verdict.NamesTopLabel && verdict.WordingProblem is null, $"{r.Caption}: {string.Join(", ", verdict.Unlicensed)} {verdict.WordingProblem}");
        });
        Assert.Null(Assert.Single(audit.Errors).Caption);
        var success = await File.ReadAllTextAsync(Path.Combine(output, "e2e-captions", ResultLayout.SuccessMarker));
        Assert.Contains("\"captioner\"", success);
        Assert.Contains("\"maxNewTokens\": \"20\"", success);
        Assert.Contains("\"lexicon\": \"caption-lexicon sha256:", success);
    }

    [Fact]
    public async Task Parquet_parts_read_by_DuckDB_hold_every_image_exactly_once_with_labels_and_captions()
    {
        var folder = SamplePhotos.Folder(9, ("zz-corrupt.jpg", SamplePhotos.CorruptJpeg()));
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-parquet", new JobSpec
        {
            Dataset = folder, Output = output, ShardSize = 4, MaxFailedFraction = 0.2, Format = ResultFormats.Parquet,
            Captioner = JobSpec.DefaultCaptioner, Caption = new CaptionOptions { MaxNewTokens = 12 },
        });

        Assert.Equal(JobState.Succeeded, status.State);
        var parts = await Store(output).ListPartsAsync("e2e-parquet", default).ToListAsync();
        Assert.Equal(4, parts.Count); // three data parts and the corrupt file's error part
        Assert.All(parts, p => Assert.EndsWith(".parquet", p));
        var duck = await DuckDbParts.ReadAsync(Path.Combine(output, "e2e-parquet"));
        Assert.Equal(FileUris(folder).Order(StringComparer.Ordinal), duck.Rows.Select(r => r.GetProperty("uri").GetString()!));
        Assert.Equal("VARCHAR", duck.Columns["uri"]);
        Assert.Equal("FLOAT", duck.Columns["score"]);
        Assert.Equal("STRUCT(\"label\" VARCHAR, \"classId\" INTEGER, \"score\" FLOAT)[]", duck.Columns["labels"]);
        var labeled = duck.Rows.Where(r => r.GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.Null).ToList();
        Assert.Equal(9, labeled.Count);
        Assert.All(labeled, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("caption").GetString()));
            Assert.Equal(r.GetProperty("first_label").GetString(), r.GetProperty("label").GetString());
            Assert.InRange(r.GetProperty("score").GetDouble(), 0.0, 1.0);
            Assert.Equal(5, r.GetProperty("labels").GetArrayLength());
            Assert.Equal(JobSpec.DefaultCaptioner, r.GetProperty("captioner").GetString());
        });
        var error = Assert.Single(duck.Rows, r => r.GetProperty("error").ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.StartsWith("decode: ", error.GetProperty("error").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("label").ValueKind);
        Assert.Contains("/errors/", error.GetProperty("filename").GetString());
        var success = await File.ReadAllTextAsync(Path.Combine(output, "e2e-parquet", ResultLayout.SuccessMarker));
        Assert.Contains("\"format\": \"parquet\"", success);
        Assert.Contains($"\"schemaVersion\": {ResultRow.SchemaVersion}", success);
        var stated = System.Text.Json.JsonDocument.Parse(success).RootElement.GetProperty("parts");
        Assert.Equal((3, 1, "e2e-parquet/part-000002.parquet"), (stated.GetProperty("data").GetInt32(), stated.GetProperty("errors").GetInt32(), stated.GetProperty("last").GetString()));
        // Fleet's own readers (fleet results, fleet verify) read the same parts.
        (await RowAudit.ReadAsync(Store(output), "e2e-parquet")).AssertExactlyOnce(FileUris(folder));
    }

    [Fact]
    public async Task Blob_dataset_and_blob_output_work_the_same_as_folders()
    {
        var account = new StorageAccount(fleet.Azurite.ConnectionString);
        var input = account.Blobs.GetBlobContainerClient("photos-in");
        await input.CreateIfNotExistsAsync();
        foreach (var photo in SamplePhotos.All().Take(8))
            await input.GetBlobClient($"set/{Path.GetFileName(photo)}").UploadAsync(photo, overwrite: true);
        var output = $"{fleet.Azurite.BlobEndpoint}/results/run1";

        var status = await fleet.RunAsync("e2e-blob", new JobSpec { Dataset = $"{input.Uri}/set/", Output = output, ShardSize = 3 });

        Assert.Equal(JobState.Succeeded, status.State);
        var audit = await RowAudit.ReadAsync(Store(output), "e2e-blob");
        audit.AssertExactlyOnce(SamplePhotos.All().Take(8).Select(p => $"{input.Uri}/set/{Path.GetFileName(p)}"));
        Assert.Equal(["e2e-blob/part-000000.jsonl", "e2e-blob/part-000001.jsonl", "e2e-blob/part-000002.jsonl"],
            await Store(output).ListPartsAsync("e2e-blob", default).ToListAsync());
    }

    [Fact]
    public async Task A_dataset_that_does_not_exist_is_rejected_with_the_reason()
    {
        var result = await fleet.Client.GetGrain<IJobGrain>("e2e-missing").Submit(
            // Under the silo's allowed roots, so what is reported is the missing folder, not the intake policy.
            new JobSpec { Dataset = Path.Combine(TestPaths.TempRoot, $"no-such-photos-{Guid.NewGuid():N}"), Output = TestPaths.NewTempFolder("out") });

        Assert.False(result.Accepted);
        Assert.Contains("does not exist", result.Errors["dataset"]);
    }

    [Fact]
    public async Task An_invalid_spec_is_rejected_naming_the_field()
    {
        var result = await fleet.Client.GetGrain<IJobGrain>("e2e-invalid").Submit(
            new JobSpec { Dataset = TestPaths.ImageNetSample, Output = TestPaths.NewTempFolder("out"), ShardSize = 0, Classifier = "no-such-model" });

        Assert.False(result.Accepted);
        Assert.Contains("shardSize", result.Errors.Keys);
    }

    [Fact]
    public async Task Unknown_or_wrong_kind_models_are_rejected_naming_the_field()
    {
        var spec = new JobSpec { Dataset = TestPaths.ImageNetSample, Output = TestPaths.NewTempFolder("out"), Classifier = "no-such-model", Captioner = "mobilenetv2-12-int8" };

        var result = await fleet.Client.GetGrain<IJobGrain>("e2e-models").Submit(spec);

        Assert.False(result.Accepted);
        Assert.Contains("not in the catalog", result.Errors["classifier"]);
        Assert.Contains("not a causal-lm", result.Errors["captioner"]);
    }

    [Fact]
    public async Task A_folder_without_images_fails_with_a_clear_reason()
    {
        var folder = TestPaths.NewTempFolder("empty");
        await File.WriteAllTextAsync(Path.Combine(folder, "readme.txt"), "no photos here");

        var status = await fleet.RunAsync("e2e-empty", new JobSpec { Dataset = folder, Output = TestPaths.NewTempFolder("out") });

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("holds no images", status.Reason);
    }

    [Fact]
    public async Task Exceeding_the_error_budget_fails_the_job_but_keeps_every_row()
    {
        var folder = SamplePhotos.Folder(4, ("bad1.jpg", SamplePhotos.CorruptJpeg()), ("bad2.png", [1, 2, 3]));
        var output = TestPaths.NewTempFolder("out");

        var status = await fleet.RunAsync("e2e-budget", new JobSpec { Dataset = folder, Output = output, MaxFailedFraction = 0.2 });

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("error budget", status.Reason);
        (await RowAudit.ReadAsync(Store(output), "e2e-budget")).AssertExactlyOnce(FileUris(folder));
    }

    [Fact]
    public async Task Submitting_a_finished_job_again_reprocesses_nothing()
    {
        var folder = SamplePhotos.Folder(5);
        var output = TestPaths.NewTempFolder("out");
        var spec = new JobSpec { Dataset = folder, Output = output, ShardSize = 2 };
        await fleet.RunAsync("e2e-again", spec);
        var part = Path.Combine(output, "e2e-again", "part-000000.jsonl");
        var written = File.GetLastWriteTimeUtc(part);

        var again = await fleet.RunAsync("e2e-again", spec);

        Assert.Equal(JobState.Succeeded, again.State);
        Assert.Equal(written, File.GetLastWriteTimeUtc(part));
        var other = await fleet.Client.GetGrain<IJobGrain>("e2e-again").Submit(spec with { TopK = 2 });
        Assert.False(other.Accepted);
        Assert.Contains("different spec", other.Errors["jobId"]);
    }
}
