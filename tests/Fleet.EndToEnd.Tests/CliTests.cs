using Fleet.Contracts;
using System.Text.Json;
using Fleet.Storage.Results;
using Fleet.Inference.Tests.Support;
using Fleet.Testing;

namespace Fleet.EndToEnd.Tests;

public sealed class CliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private Dictionary<string, string> Storage => new() { ["FLEET_STORAGE"] = azurite.ConnectionString };

    [Fact]
    public async Task Run_with_json_prints_one_summary_object_and_exits_zero()
    {
        var folder = SamplePhotos.Folder(6);
        var output = TestPaths.NewTempFolder("cli-out");

        var result = await FleetCli.RunAsync(folder, Storage, "run", folder, "--out", output, "--job", "cli-json", "--json", "--shard-size", "4");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var summary = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("cli-json", summary.GetProperty("jobId").GetString());
        Assert.Equal("succeeded", summary.GetProperty("state").GetString());
        Assert.Equal(6, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(2, summary.GetProperty("shards").GetInt32());
        Assert.True(summary.GetProperty("seconds").GetDouble() > 0);
        Assert.InRange(summary.GetProperty("startupSeconds").GetDouble(), 0.001, summary.GetProperty("seconds").GetDouble());
        Assert.Equal(6, File.ReadLines(Path.Combine(output, "cli-json", "part-000000.jsonl")).Count() + File.ReadLines(Path.Combine(output, "cli-json", "part-000001.jsonl")).Count());

        var verified = await FleetCli.RunAsync(folder, Storage, "verify", "cli-json", "--dataset", folder, "--out", output, "--json");
        Assert.True(verified.ExitCode == 0, verified.StandardOutput + verified.StandardError);
        var report = JsonDocument.Parse(verified.StandardOutput).RootElement;
        Assert.Equal((6, 6, 0, 0), (report.GetProperty("datasetImages").GetInt32(), report.GetProperty("rows").GetInt32(),
            report.GetProperty("missingCount").GetInt32(), report.GetProperty("duplicatedCount").GetInt32()));
    }

    [Fact]
    public async Task Verify_reads_a_blob_output_with_identity_style_settings_and_no_connection_string()
    {
        var folder = SamplePhotos.Folder(3);
        var uris = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => new Uri(f).AbsoluteUri).ToArray();
        var results = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"cli-id-{Guid.NewGuid():N}"[..20]);
        await results.CreateIfNotExistsAsync();
        await results.GetBlobClient("job/part-000000.jsonl").UploadAsync(
            BinaryData.FromString(string.Join('\n', uris.Select(u => $"{{\"uri\":\"{u}\",\"model\":{{\"classifier\":\"x\"}},\"shard\":0}}")) + "\n"));
        // What a deployed fleet's user exports (azd env get-value AZURE_STORAGE_*_ENDPOINT); the key stands in for az login.
        var identity = new Dictionary<string, string>
        {
            ["Fleet__Storage__BlobServiceUri"] = azurite.Instance.BlobEndpoint.ToString(),
            ["Fleet__Storage__TableServiceUri"] = azurite.Instance.TableEndpoint.ToString(),
            ["Fleet__Storage__AccountKey"] = Fleet.Development.AzuriteInstance.AccountKey,
        };

        var verified = await FleetCli.RunAsync(folder, identity, "verify", "job", "--dataset", folder, "--out", results.Uri.ToString(), "--json");
        var anonymous = await FleetCli.RunAsync(folder, null, "verify", "job", "--dataset", folder, "--out", results.Uri.ToString(), "--json");

        Assert.True(verified.ExitCode == 0, verified.StandardOutput + verified.StandardError);
        Assert.Equal(3, JsonDocument.Parse(verified.StandardOutput).RootElement.GetProperty("rows").GetInt32());
        Assert.NotEqual(0, anonymous.ExitCode);
    }

    [Fact]
    public async Task Verify_reports_missing_and_duplicated_images_and_exits_nonzero()
    {
        var folder = SamplePhotos.Folder(3);
        var output = TestPaths.NewTempFolder("cli-verify");
        var uris = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => new Uri(f).AbsoluteUri).ToArray();
        Directory.CreateDirectory(Path.Combine(output, "hand"));
        // Two rows for the first photo, none for the last.
        await File.WriteAllLinesAsync(Path.Combine(output, "hand", "part-000000.jsonl"),
            uris.Take(2).Append(uris[0]).Select(u => $"{{\"uri\":\"{u}\",\"model\":{{\"classifier\":\"x\"}},\"shard\":0}}"));

        var result = await FleetCli.RunAsync(folder, null, "verify", "hand", "--dataset", folder, "--out", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("1 missing, 1 duplicated", result.StandardOutput);
        Assert.Contains($"missing: {uris[2]}", result.StandardOutput);
        Assert.Contains($"duplicated: {uris[0]}", result.StandardOutput);
    }

    [Fact]
    public async Task A_missing_dataset_is_one_line_on_stderr_and_a_nonzero_exit_not_a_stack_trace()
    {
        var cwd = TestPaths.NewTempFolder("cli-cwd");

        var result = await FleetCli.RunAsync(cwd, Storage, "run", "/no/such/dataset", "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
        Assert.Single(result.StandardError.Trim().Split('\n'), l => l.StartsWith("fleet:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_of_hostile_and_awkward_images_runs_to_success_each_hostile_file_an_error_row_under_1_GB()
    {
        var folder = SamplePhotos.Folder(12);
        var source = File.ReadAllBytes(Directory.GetFiles(folder).Order(StringComparer.Ordinal).First());
        var hostile = new Dictionary<string, (byte[] Bytes, string Kind)>
        {
            ["thin.png"] = (HostileImages.Png(100_000, 1), "too-large"),
            ["wide.png"] = (HostileImages.Png(40_000, 40), "too-large"),
            ["progressive-16000.jpg"] = (HostileImages.JpegClaiming(source, 16_000, 16_000, progressive: true), "too-large"),
            ["claims-60000.jpg"] = (HostileImages.JpegClaiming(source, 60_000, 60_000, progressive: false), "too-large"),
            ["header-only.png"] = (HostileImages.PngHeaderOnly(1_000_000, 1), "too-large"),
            ["empty.jpg"] = ([], "decode"),
            ["script.png"] = ("#!/bin/sh\nrm -rf /\n"u8.ToArray(), "decode"),
        };
        foreach (var (name, (bytes, _)) in hostile)
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        // Valid but awkward: a 1x1 GIF and a 16-bit PNG are labeled like any photo.
        File.WriteAllBytes(Path.Combine(folder, "tiny.gif"), HostileImages.Gif1x1());
        File.WriteAllBytes(Path.Combine(folder, "sixteen-bit.png"), HostileImages.Png(64, 48, sixteenBitRgb: true));
        var output = TestPaths.NewTempFolder("cli-hostile");

        var result = await FleetCli.RunAsync(folder, Storage, "run", folder, "--out", output, "--job", "cli-hostile", "--no-caption",
            "--max-failed-fraction", "0.5", "--shard-size", "8");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.InRange(result.PeakMemoryBytes, 1, 1L << 30);
        var audit = await RowAudit.ReadAsync(new LocalResultStore(output, Fleet.Storage.Resilience.StorageResilience.Create()), "cli-hostile");
        audit.AssertExactlyOnce(Directory.GetFiles(folder).Select(f => new Uri(f).ToString()));
        foreach (var (name, (_, kind)) in hostile)
            Assert.StartsWith($"{kind}:", Assert.Single(audit.Rows, r => r.Uri.EndsWith("/" + name, StringComparison.Ordinal)).Error);
        Assert.Equal(14, audit.Labeled.Count());
    }

    [Fact]
    public async Task A_job_id_that_could_climb_out_of_the_output_is_refused_before_any_cluster_starts()
    {
        var cwd = TestPaths.NewTempFolder("cli-cwd");

        var result = await FleetCli.RunAsync(cwd, null, "run", TestPaths.ImageNetSample, "--out", "out", "--job", "../x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(JobIds.Rule, result.StandardError);
        // Refused by the rule, not by storage: nothing was started, so no ./.fleet was made.
        Assert.False(Directory.Exists(Path.Combine(cwd, ".fleet")));
    }

    [Theory]
    [InlineData("/no/such/dataset", "does not exist")]
    [InlineData("sample:no-such-sample", "no-such-sample")]
    public async Task A_missing_local_dataset_is_refused_before_any_cluster_starts(string dataset, string reason)
    {
        var cwd = TestPaths.NewTempFolder("cli-cwd");

        // No storage configured: had the check waited for the job's admission, Azurite would have started under ./.fleet.
        var result = await FleetCli.RunAsync(cwd, null, "run", dataset, "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("job rejected: dataset:", result.StandardError);
        Assert.Contains(reason, result.StandardError);
        Assert.False(Directory.Exists(Path.Combine(cwd, ".fleet")));
    }

    [Fact]
    public async Task Without_storage_it_starts_azurite_under_dot_fleet_and_the_same_job_id_resumes()
    {
        var cwd = TestPaths.NewTempFolder("cli-embedded");
        var folder = SamplePhotos.Folder(5);
        var env = new Dictionary<string, string>();

        var first = await FleetCli.RunAsync(cwd, env, "run", folder, "--out", "out", "--job", "again", "--shard-size", "2");
        Assert.True(first.ExitCode == 0, first.StandardError + first.StandardOutput);
        Assert.True(Directory.Exists(Path.Combine(cwd, ".fleet", "azurite")));
        // The stderr header names the settings chosen for this machine.
        Assert.Contains($"fleet: {Environment.ProcessorCount} cores: ", first.StandardError);
        Assert.Contains("intra-op thread", first.StandardError);
        var part = Path.Combine(cwd, "out", "again", "part-000000.jsonl");
        var written = File.GetLastWriteTimeUtc(part);

        // A second Azurite process over the same ./.fleet sees the job as done: nothing is re-processed.
        var second = await FleetCli.RunAsync(cwd, env, "run", folder, "--out", "out", "--job", "again", "--shard-size", "2");

        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains("succeeded: 5 labeled", second.StandardOutput);
        Assert.Equal(written, File.GetLastWriteTimeUtc(part));
        Assert.True(File.Exists(Path.Combine(cwd, "out", "again", ResultLayout.SuccessMarker)));
    }
}
