using System.Diagnostics;
using System.Threading.Channels;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Verification;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fleet.EndToEnd.Tests;

/// <summary>The distributed engine on a real 3-silo cluster over Azurite: leases, failures, restarts, faults.</summary>
public sealed class EngineTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private async Task<VerificationReport> VerifyAsync(string dataset, string outputUri, string jobId)
    {
        var account = new StorageAccount(azurite.ConnectionString);
        var resilience = StorageResilience.Create();
        var listers = new DatasetListerFactory(account, new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions(), new HttpClient()), resilience, new HttpClient());
        return await DatasetVerifier.VerifyAsync(await listers.CreateAsync(dataset, default), new ResultStoreFactory(account, resilience).Create(outputUri), jobId, default);
    }

    private string BlobOutput() => $"{azurite.Instance.BlobEndpoint}/out-{Guid.NewGuid():N}";

    private static void AssertExactlyOnce(VerificationReport report, long images)
    {
        Assert.True(report.IsExactlyOnce, $"missing {report.MissingCount} ({string.Join(", ", report.Missing)}), duplicated {report.DuplicatedCount} ({string.Join(", ", report.Duplicated)}), unexpected {report.UnexpectedCount}");
        Assert.Equal(images, report.DatasetImages);
        Assert.Equal(images, report.Rows);
    }

    [Fact]
    public async Task Three_hundred_photos_on_three_silos_end_in_exactly_one_row_each()
    {
        var dataset = SamplePhotoSet.Create(copies: 3);
        var outputUri = BlobOutput();
        using var meter = new FleetCounter("fleet.images.labeled", "fleet.images.failed");
        using var abandoned = new FleetCounter("fleet.shards.abandoned");
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 3);

        await cluster.SubmitAsync("three-hundred", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 16 });
        var status = await cluster.WaitAsync("three-hundred", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((300, 300, 0, 19), (status.ImagesTotal, status.ImagesSucceeded, status.ImagesFailed, status.ShardsTotal));
        AssertExactlyOnce(await VerifyAsync(dataset, outputUri, "three-hundred"), 300);
        // Per-silo throughput: every image counted is tagged with the silo that ran it, and the work spread.
        var bySilo = meter.BySilo;
        Assert.DoesNotContain("(untagged)", bySilo.Keys);
        Assert.True(bySilo.Count >= 2, $"images per silo: {string.Join(", ", bySilo.Select(s => $"{s.Key}={s.Value}"))}");
        Assert.True(bySilo.Values.Sum() >= 300);
        output.WriteLine($"images per silo: {string.Join(", ", bySilo.Select(s => $"{s.Key}={s.Value}"))}");
    }

    [Fact]
    public async Task Killing_a_silo_mid_job_still_ends_with_exactly_one_row_per_image()
    {
        var dataset = SamplePhotoSet.Create(copies: 3);
        var outputUri = BlobOutput();
        using var meter = new FleetCounter("fleet.images.labeled", "fleet.images.failed");
        using var abandoned = new FleetCounter("fleet.shards.abandoned");
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 3);
        await cluster.SubmitAsync("kill-one", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 10 });
        var before = await cluster.WaitAsync("kill-one", Timeout, s => s.ShardsDone >= 5);

        var killedAt = Stopwatch.StartNew();
        await cluster.KillSiloAsync(cluster.Silos[1]);
        var recovered = await cluster.WaitAsync("kill-one", Timeout, s => s.ShardsDone > before.ShardsDone + 3 || s.State.IsTerminal());
        var recovery = killedAt.Elapsed;
        var status = await cluster.WaitAsync("kill-one", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        AssertExactlyOnce(await VerifyAsync(dataset, outputUri, "kill-one"), 300);
        output.WriteLine($"silo killed after {before.ShardsDone} shards; 3 more shards committed {recovery.TotalSeconds:0.0} s later (at {recovered.ShardsDone}); " +
                         $"images run through the model: {meter.Total} for 300 images ({meter.Total - 300} re-processed)");
    }

    [Fact]
    public async Task A_cluster_stopped_mid_job_is_resumed_by_a_new_cluster_without_reprocessing_committed_shards()
    {
        // Long enough that the job is still running a couple of checkpoint intervals after the shards below are seen done.
        var dataset = SamplePhotoSet.Create(copies: 10);
        var outputUri = BlobOutput();
        var serviceId = $"restart-{Guid.NewGuid():N}"[..16];
        int seenDone;
        await using (var first = await FleetCluster.StartAsync(azurite.Instance, silos: 3, serviceId: serviceId))
        {
            await first.SubmitAsync("restart", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 10 });
            seenDone = (await first.WaitAsync("restart", Timeout, s => s.ShardsDone >= 6)).ShardsDone;
            // The checkpoint follows every report within an interval (0.5 s here): after two, what was seen done is persisted.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            await first.StopAllAsync();
        }

        using var meter = new FleetCounter("fleet.images.labeled", "fleet.images.failed");
        using var abandoned = new FleetCounter("fleet.shards.abandoned");
        // The new cluster's first silo runs no worker, so the job's checkpoint can be read before any work starts.
        // No speculation here either, so every image the new cluster runs is one the checkpoint did not have.
        await using var second = await FleetCluster.StartAsync(azurite.Instance, silos: 1, new Dictionary<string, string?>
        {
            ["Fleet:Jobs:SpeculateAfter"] = "01:00:00",
            ["Fleet:Worker:Enabled"] = "false",
        }, serviceId);
        var onRestart = await second.Client.GetGrain<IJobGrain>("restart").GetStatus();
        Assert.Equal(0, meter.Total);
        Assert.True(onRestart.State == JobState.Running && onRestart.ShardsDone < onRestart.ShardsTotal, $"stopped too late to be mid-job: {onRestart.ShardsDone}/{onRestart.ShardsTotal}");
        await second.StartSiloAsync(new Dictionary<string, string?> { ["Fleet:Worker:Enabled"] = "true" });
        await second.StartSiloAsync(new Dictionary<string, string?> { ["Fleet:Worker:Enabled"] = "true" });
        var status = await second.WaitAsync("restart", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        AssertExactlyOnce(await VerifyAsync(dataset, outputUri, "restart"), 1000);
        Assert.True(onRestart.ShardsDone >= seenDone, $"the checkpoint kept {onRestart.ShardsDone} shards; {seenDone} were done over a second before the stop");
        // The new cluster runs only the shards the checkpoint does not record as committed; anything more is an attempt
        // of its own that it gave up (a lease lost on a loaded machine), at most a shard of 10 images each.
        var extra = meter.Total - (1000 - onRestart.ImagesDone);
        Assert.InRange(extra, 0, 10 * abandoned.Total);
        output.WriteLine($"restarted with {onRestart.ShardsDone}/100 shards recorded done ({seenDone} seen done 1.2 s before the stop); the new cluster ran {meter.Total} images ({extra} in {abandoned.Total} attempts it gave up)");
    }

    [Fact]
    public async Task A_jobs_sas_tokens_reach_no_log_status_row_manifest_or_success_marker()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var input = blobs.GetBlobContainerClient($"in-{Guid.NewGuid():N}");
        var results = blobs.GetBlobContainerClient($"out-{Guid.NewGuid():N}");
        await input.CreateAsync();
        await results.CreateAsync();
        foreach (var photo in SamplePhotos.All().Take(6))
            await input.UploadBlobAsync($"set/{Path.GetFileName(photo)}", BinaryData.FromBytes(await File.ReadAllBytesAsync(photo)));
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var inputSas = input.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, expires);
        var outputSas = results.GenerateSasUri(BlobContainerSasPermissions.All, expires);
        var secrets = new[] { Signature(inputSas), Signature(outputSas) };
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 2);

        await cluster.SubmitAsync("sas", new JobSpec
        {
            Dataset = $"{input.Uri}/set/{inputSas.Query}",
            Output = $"{results.Uri}{outputSas.Query}",
            ShardSize = 4,
        });
        var status = await cluster.WaitAsync("sas", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        var sinks = new Dictionary<string, string>
        {
            ["status"] = System.Text.Json.JsonSerializer.Serialize(status),
            ["_SUCCESS.json"] = (await results.GetBlobClient($"sas/{ResultLayout.SuccessMarker}").DownloadContentAsync()).Value.Content.ToString(),
            ["rows"] = string.Join('\n', await new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create())
                .Create(results.Uri.ToString()).ReadRowsAsync("sas", default).ToListAsync()),
            ["logs"] = string.Join('\n', cluster.Logs.Lines),
        };
        foreach (var (sink, text) in sinks)
        {
            Assert.False(string.IsNullOrEmpty(text), sink);
            Assert.DoesNotContain("sig=", text, StringComparison.OrdinalIgnoreCase);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
        Assert.Contains("submitted", sinks["logs"], StringComparison.Ordinal);
        // The shard manifests held the dataset's URIs (SAS and all): a succeeded job deletes them (after it says Succeeded).
        var manifests = blobs.GetBlobContainerClient(Fleet.Storage.Shards.ShardManifestStore.DefaultContainer);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await manifests.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "sas/", default).AnyAsync() && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Empty(await manifests.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "sas/", default).ToListAsync());

        static string Signature(Uri sas) => Uri.UnescapeDataString(System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!);
    }

    [Fact]
    public async Task Injected_storage_faults_are_retried_and_lose_nothing()
    {
        var dataset = SamplePhotoSet.Create(copies: 1);
        var outputUri = BlobOutput();
        using var injected = new FleetCounter("fleet.storage.faults.injected");
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 3, new Dictionary<string, string?>
        {
            // ~100 reads and ~30 writes at 0.3: about 40 faults expected; fewer than 10 is far outside chance.
            ["Fleet:Storage:Resilience:ChaosFaultRate"] = "0.3",
            ["Fleet:Storage:Resilience:BaseDelay"] = "00:00:00.010",
            ["Fleet:Storage:Resilience:MaxRetryAttempts"] = "10",
        });

        await cluster.SubmitAsync("chaos", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 10 });
        var status = await cluster.WaitAsync("chaos", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal(0, status.ImagesFailed);
        AssertExactlyOnce(await VerifyAsync(dataset, outputUri, "chaos"), 100);
        Assert.True(injected.Total >= 10, $"only {injected.Total} faults were injected");
        output.WriteLine($"{injected.Total} storage faults injected and retried");
    }

    [Fact]
    public async Task A_lease_that_expires_while_its_holder_is_still_working_cannot_produce_a_duplicate()
    {
        var dataset = SamplePhotoSet.Create(copies: 1, perCopy: 48);
        var outputUri = BlobOutput();
        using var abandoned = new FleetCounter("fleet.shards.abandoned");
        using var injected = new FleetCounter("fleet.storage.faults.injected");
        // The first silo never renews its leases and its storage is slow (injected faults, retried with long
        // back-off): its leases expire while it is still reading and writing. A healthy silo joins a moment later
        // and takes the expired shards over, so both race to commit the same shards.
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 1, new Dictionary<string, string?>
        {
            // A 1 s lease against retry back-off that starts at 1 s: nearly every attempt of the slow silo outlives
            // its lease (a shard makes ~9 storage calls, each failing half the time).
            ["Fleet:Jobs:LeaseDuration"] = "00:00:01",
            ["Fleet:Jobs:MaxShardAttempts"] = "1000",
            // The poison hunt stays on (IsolateAfter): this silo is alive, so it answers after each expiry (refused) and
            // its expired leases are not counted as lost workers.
            ["Fleet:Worker:RenewInterval"] = "01:00:00",
            ["Fleet:Storage:Resilience:ChaosFaultRate"] = "0.5",
            ["Fleet:Storage:Resilience:BaseDelay"] = "00:00:01",
            ["Fleet:Storage:Resilience:MaxRetryAttempts"] = "10",
        });
        await cluster.SubmitAsync("stale", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 6 });
        await Task.Delay(TimeSpan.FromSeconds(1));
        await cluster.StartSiloAsync(new Dictionary<string, string?>
        {
            ["Fleet:Worker:RenewInterval"] = "00:00:00.250",
            ["Fleet:Storage:Resilience:ChaosFaultRate"] = "0",
            ["Fleet:Storage:Resilience:BaseDelay"] = "00:00:00.100",
        });
        var status = await cluster.WaitAsync("stale", Timeout);
        // The healthy silo may finish the job before the slow one reaches its commit: wait until a stale holder has
        // tried (and been refused), so the rows are checked after the race the test is about, not before it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (abandoned.Total == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal(48, status.ImagesSucceeded);
        AssertExactlyOnce(await VerifyAsync(dataset, outputUri, "stale"), 48);
        Assert.True(injected.Total > 0, "the slow silo injected no faults");
        Assert.True(abandoned.Total > 0, "no lease expired under its holder, so the test proved nothing");
        output.WriteLine($"{abandoned.Total} shard attempts were abandoned after losing their lease ({injected.Total} faults injected on the slow silo)");
    }

    [Fact]
    public async Task An_isolated_shard_runs_image_by_image_through_the_real_model_and_skips_its_poisoned_image()
    {
        var dataset = SamplePhotos.Folder(4);
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 1, new Dictionary<string, string?> { ["Fleet:Worker:Enabled"] = "false" });
        await cluster.SubmitAsync("isolated", new JobSpec { Dataset = dataset, Output = BlobOutput(), ShardSize = 4, MaxFailedFraction = 0.5 });
        await cluster.WaitAsync("isolated", Timeout, s => s.PlanningComplete);
        var lease = (await cluster.Client.GetGrain<IShardLeaseGrain>("isolated").LeaseShard("test"))! with { Isolate = true, Poisoned = [1] };
        var processor = cluster.Silos[0].Services.GetRequiredService<Fleet.Worker.Labeling.ShardProcessor>();
        var named = new List<int>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var processed = await processor.RunAsync(lease, item => { named.Add(item); return Task.FromResult(true); }, cts.Token);

        Assert.Equal([0, 2, 3, ShardLease.PastLastImage], named);
        Assert.Equal((3, 1), (processed.Report.Succeeded, processed.Report.Failed));
        await processed.Staged.DiscardAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_poison_image_that_kills_its_worker_ends_as_one_error_row_and_the_job_succeeds()
    {
        var poison = PoisonTrapLabeler.Poison(await File.ReadAllBytesAsync(SamplePhotos.All().Last()));
        var dataset = SamplePhotos.Folder(15, ("poison.jpg", poison));
        var outputUri = BlobOutput();
        var crashes = Channel.CreateUnbounded<Fleet.Worker.Labeling.IImageLabeler>();
        // Every silo, the replacements too, crashes on the poison image; an orchestrator would restart it, so the test does.
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 2, new Dictionary<string, string?>
        {
            ["Fleet:Jobs:LeaseDuration"] = "00:00:03",
        }, configureSilo: services => PoisonTrapLabeler.Install(services, silo => crashes.Writer.TryWrite(silo)));

        await cluster.SubmitAsync("poison", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 4, MaxFailedFraction = 0.1 });
        var kills = 0;
        using var deadline = new CancellationTokenSource(Timeout);
        var finished = cluster.WaitAsync("poison", Timeout);
        while (!finished.IsCompleted)
        {
            var crash = crashes.Reader.ReadAsync(deadline.Token).AsTask();
            if (await Task.WhenAny(crash, finished) != crash)
                break;
            if (cluster.Silos.FirstOrDefault(s => s.Services.GetRequiredService<Fleet.Worker.Labeling.IImageLabeler>() == crash.Result) is not { } silo)
                continue;
            await cluster.KillSiloAsync(silo);
            kills++;
            await cluster.StartSiloAsync();
        }
        var status = await finished;

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal((15L, 1L), (status.ImagesSucceeded, status.ImagesFailed));
        var report = await VerifyAsync(dataset, outputUri, "poison");
        AssertExactlyOnce(report, 16);
        Assert.Equal(1, report.ErrorRows);
        var rows = await new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create())
            .Create(outputUri).ReadRowsAsync("poison", default).ToListAsync();
        var errorRow = Assert.Single(rows, r => r.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Contains("poison.jpg", errorRow);
        Assert.Contains("poison:", errorRow);
        // Two crashes isolate the shard; then the image is charged once per silent crash, poisoned at the second.
        Assert.InRange(kills, 4, 6);
        output.WriteLine($"{kills} silos killed by the poison image before it was isolated and skipped");
    }

    [Fact]
    public async Task An_auto_classifier_job_runs_the_silos_choice_and_its_rows_and_success_marker_say_which_ran_where()
    {
        var dataset = SamplePhotos.Folder(4);
        var outputUri = BlobOutput();
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 1);

        // No classifier named: the spec says "auto" and the silo picks for its hardware.
        await cluster.SubmitAsync("auto", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 2 });
        var status = await cluster.WaitAsync("auto", Timeout);

        Assert.Equal(JobState.Succeeded, status.State);
        var rows = await new ResultStoreFactory(new StorageAccount(azurite.ConnectionString), StorageResilience.Create())
            .Create(outputUri).ReadRowsAsync("auto", default).Select(ResultRow.Parse).ToListAsync();
        // This machine has no CUDA provider, so "auto" is the CPU default: the int8 model, on the CPU provider.
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(("mobilenetv2-12-int8", "CPUExecutionProvider"), (r.Model.Classifier, r.Model.Provider)));
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(new Uri(outputUri).Segments[^1]);
        using var success = System.Text.Json.JsonDocument.Parse((await container.GetBlobClient($"auto/{ResultLayout.SuccessMarker}").DownloadContentAsync()).Value.Content.ToString());
        var run = Assert.Single(success.RootElement.GetProperty("classifierRuns").EnumerateArray());
        Assert.Equal(("mobilenetv2-12-int8", "CPUExecutionProvider"), (run.GetProperty("classifier").GetString(), run.GetProperty("provider").GetString()));
        Assert.Equal(64, run.GetProperty("sha256").GetString()!.Length);
        var classifier = success.RootElement.GetProperty("models").GetProperty("classifier");
        Assert.Equal("mobilenetv2-12-int8", classifier.GetProperty("name").GetString());
        Assert.Equal("auto", classifier.GetProperty("settings").GetProperty("requested").GetString());
    }

    [Fact]
    public async Task Cancel_stops_leasing_and_the_job_stays_cancelled()
    {
        var dataset = SamplePhotoSet.Create(copies: 3);
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 2);
        await cluster.SubmitAsync("cancel", new JobSpec { Dataset = dataset, Output = BlobOutput(), ShardSize = 10 });
        await cluster.WaitAsync("cancel", Timeout, s => s.ShardsDone >= 2);

        var cancelled = await cluster.Client.GetGrain<IJobGrain>("cancel").Cancel();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = await cluster.Client.GetGrain<IJobGrain>("cancel").GetStatus();

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(JobState.Cancelled, later.State);
        Assert.Equal(cancelled.ShardsDone, later.ShardsDone);
        Assert.True(later.ShardsDone < later.ShardsTotal);
        Assert.Null(await cluster.Client.GetGrain<IShardLeaseGrain>("cancel").LeaseShard("probe"));
    }

    [Fact]
    public async Task Over_the_error_budget_the_job_fails_and_resume_retries_the_failed_shards()
    {
        var dataset = SamplePhotos.Folder(12, ("bad-1.jpg", SamplePhotos.CorruptJpeg()), ("bad-2.jpg", SamplePhotos.CorruptJpeg()));
        var outputUri = BlobOutput();
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 2);

        await cluster.SubmitAsync("budget", new JobSpec { Dataset = dataset, Output = outputUri, ShardSize = 4, MaxFailedFraction = 0.1 });
        var failed = await cluster.WaitAsync("budget", Timeout);

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("error budget", failed.Reason);
        var resumed = await cluster.Client.GetGrain<IJobGrain>("budget").Resume();
        Assert.True(resumed.Accepted, resumed.Status.Reason);
        var again = await cluster.WaitAsync("budget", Timeout);
        // The images are still corrupt, so the job fails again. It stops as soon as the budget is certainly exceeded,
        // so some shards may not have run; but nothing is ever written twice or outside the dataset.
        Assert.Equal(JobState.Failed, again.State);
        Assert.Equal(2, again.ImagesFailed);
        var report = await VerifyAsync(dataset, outputUri, "budget");
        Assert.Equal((0, 0), (report.DuplicatedCount, report.UnexpectedCount));
        Assert.Equal(2, report.ErrorRows);
        var finished = await cluster.Client.GetGrain<IJobGrain>("budget").Cancel();
        Assert.Equal(JobState.Failed, finished.State);
    }

    [Fact]
    public async Task Two_jobs_at_once_both_finish_sharing_the_fleet()
    {
        var big = SamplePhotoSet.Create(copies: 3);
        var small = SamplePhotoSet.Create(copies: 1);
        var outputUri = BlobOutput();
        await using var cluster = await FleetCluster.StartAsync(azurite.Instance, silos: 3);

        await cluster.SubmitAsync("job-big", new JobSpec { Dataset = big, Output = outputUri, ShardSize = 10 });
        await cluster.SubmitAsync("job-small", new JobSpec { Dataset = small, Output = outputUri, ShardSize = 10 });
        var halfway = await cluster.WaitAsync("job-big", Timeout, s => s.ShardsDone >= 15 || s.State.IsTerminal());
        var smallAtHalfway = await cluster.Client.GetGrain<IJobGrain>("job-small").GetStatus();
        var a = await cluster.WaitAsync("job-big", Timeout);
        var b = await cluster.WaitAsync("job-small", Timeout);

        Assert.Equal((JobState.Succeeded, JobState.Succeeded), (a.State, b.State));
        // Workers take turns between jobs: the small job is well under way before the big one is half done.
        Assert.True(smallAtHalfway.ShardsDone >= 3, $"job-small had {smallAtHalfway.ShardsDone}/10 shards when job-big had {halfway.ShardsDone}/30");
        AssertExactlyOnce(await VerifyAsync(big, outputUri, "job-big"), 300);
        AssertExactlyOnce(await VerifyAsync(small, outputUri, "job-small"), 100);
        output.WriteLine($"when job-big had {halfway.ShardsDone}/30 shards done, job-small had {smallAtHalfway.ShardsDone}/10");
    }
}
