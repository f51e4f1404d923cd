using System.Diagnostics;
using System.Text.RegularExpressions;
using Fleet.Testing;

namespace Fleet.Drill.Tests;

/// <summary>
/// The drill's faults, each injected into a running job on a <see cref="DrillFleet"/>, and the job's figures. Every job
/// reads the same dataset (the sample photos under distinct names, in the fleet's blob storage) and writes its own output
/// container; each ends with `fleet verify`.
/// </summary>
public sealed partial class DrillScenarios(DrillFleet fleet, Action<string> log)
{
    private readonly DrillSettings _settings = fleet.Settings;
    private string? _dataset;
    private double? _baselineSeconds;

    /// <summary>Uploads the photos once, as <c>photos/n{Images}/c{copy}-{name}</c> blobs; returns the dataset URI.</summary>
    public async Task<string> DatasetAsync(CancellationToken cancellationToken)
    {
        if (_dataset is not null)
            return _dataset;
        var photos = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).ToArray();
        var container = fleet.Blobs.GetBlobContainerClient("photos");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var prefix = $"n{_settings.Images}/";
        await Parallel.ForEachAsync(Enumerable.Range(0, _settings.Images), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var photo = photos[i % photos.Length];
            await container.GetBlobClient($"{prefix}c{i / photos.Length:D3}-{Path.GetFileName(photo)}").UploadAsync(photo, overwrite: true, ct);
        });
        return _dataset = $"{fleet.BlobEndpoint}/photos/{prefix}";
    }

    /// <summary>
    /// The job without a fault, run twice: the fleet's first job also pays for JIT, the first inference and cold caches,
    /// so the second is the one the faulted jobs are compared with.
    /// </summary>
    public async Task<DrillFigures> BaselineAsync(CancellationToken cancellationToken)
    {
        var warmUp = await RunAsync("warmup", "no fault (first job)", at: null, _ => Task.FromResult(""), cancellationToken);
        log($"[warmup] {warmUp.Row}");
        return await RunAsync("baseline", "no fault", at: null, _ => Task.FromResult(""), cancellationToken);
    }

    /// <summary>1. A silo process killed with SIGKILL mid-job: its leases expire and go to the others.</summary>
    public Task<DrillFigures> KillSiloAsync(CancellationToken cancellationToken) =>
        RunAsync("kill", "kill -9 a silo", at: 0.3, async ct =>
        {
            var victim = fleet.Silos[1]!;
            await victim.KillAsync();
            return $"killed silo2 (pid {victim.Pid})";
        }, cancellationToken, after: async ct =>
        {
            fleet.StartSilo(1);
            await fleet.WaitReadyAsync(ct);
        });

    /// <summary>
    /// 1b. A silo stopped with SIGTERM mid-job, as Container Apps stops a replica on a scale-in or a deploy: it must hand
    /// its leases back and leave the cluster cleanly (exit 0), so its shards run elsewhere at once and no lease of it is
    /// charged as a lost worker (no expiry, no "worker was lost" in any silo's log).
    /// </summary>
    public async Task<DrillFigures> ScaleInSiloAsync(CancellationToken cancellationToken)
    {
        var victim = fleet.Silos[1]!;
        var stopSeconds = 0.0;
        var figures = await RunAsync("scale-in", "SIGTERM a silo (scale-in)", at: 0.3, async ct =>
        {
            var clock = Stopwatch.StartNew();
            await victim.StopAsync(TimeSpan.FromSeconds(30));
            stopSeconds = clock.Elapsed.TotalSeconds;
            return $"silo2 (pid {victim.Pid}) stopped by SIGTERM, exit {victim.ExitCode} after {stopSeconds:0.0} s";
        }, cancellationToken, after: async ct =>
        {
            fleet.StartSilo(1);
            await fleet.WaitReadyAsync(ct);
        });
        var job = Regex.Escape(JobId("scale-in"));
        var handedBack = CountInLogs(victim.LogPath, $@"Job ""?{job}""? shard \d+ abandoned on \S+: silo stopping, handed back");
        var lostWorkers = fleet.SiloLogs.Sum(path => CountInLogs(path, $@"Job ""?{job}""? shard \d+: a worker was lost"));
        var expired = fleet.SiloLogs.Sum(path => CountInLogs(path, $@"Job ""?{job}""? shard \d+: the lease of .* expired"));
        return figures with
        {
            Passed = figures.Passed && victim.ExitCode == 0 && handedBack > 0 && lostWorkers == 0 && expired == 0,
            Note = $"{figures.Note}; {handedBack} leases handed back, {expired} expired, {lostWorkers} lost workers",
        };
    }

    /// <summary>
    /// 2. A silo's host cut off (its link down) for longer than the lease, then healed: its leases go to others; when it
    /// comes back it must not commit what it no longer owns (verify: no duplicate, no lost row), and it either rejoins or,
    /// declared dead by its peers, stops itself.
    /// </summary>
    public Task<DrillFigures> PartitionSiloAsync(CancellationToken cancellationToken)
    {
        var host = fleet.SiloHosts[2];
        return RunAsync("partition", "silo host cut off > lease", at: 0.3, async ct =>
        {
            DrillNetwork.Cut(host);
            var cutFor = _settings.LeaseDuration * 2 + TimeSpan.FromSeconds(5);
            await Task.Delay(cutFor, ct);
            DrillNetwork.Heal(host);
            return $"silo3's link down {cutFor.TotalSeconds:0} s (lease {_settings.LeaseDuration.TotalSeconds:0} s)";
        }, cancellationToken, after: async ct =>
        {
            // Declared dead while cut off, a silo stops itself when it sees that; restart it for the next scenario.
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var silo = fleet.Silos[2]!;
            var fate = silo.HasExited ? $"silo3 exited ({silo.ExitCode}) after the heal: declared dead" : "silo3 rejoined";
            log(fate);
            if (silo.HasExited)
                fleet.StartSilo(2);
            await fleet.WaitReadyAsync(ct);
        });
    }

    /// <summary>3. Storage down: Azurite stopped, restarted after the outage with its data; no good image may end as an error row.</summary>
    public Task<DrillFigures> StorageOutageAsync(CancellationToken cancellationToken) =>
        RunAsync("storage", $"Azurite down {_settings.StorageOutage.TotalSeconds:0} s", at: 0.3, async ct =>
        {
            await fleet.StopAzuriteAsync();
            await Task.Delay(_settings.StorageOutage, ct);
            await fleet.StartAzuriteAsync(ct);
            return "Azurite stopped (SIGTERM: connections refused) and restarted";
        }, cancellationToken);

    /// <summary>4. The API process killed and started again while `fleet status --watch` follows the job: the watch carries on.</summary>
    public async Task<DrillFigures> RestartApiAsync(CancellationToken cancellationToken)
    {
        DrillProcess? watch = null;
        try
        {
            var figures = await RunAsync("api", "API restarted under a watch", at: 0.3, async ct =>
            {
                await fleet.ApiProcess!.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                fleet.StartApi();
                await fleet.WaitReadyAsync(ct);
                return "API killed, restarted after 5 s";
            }, cancellationToken, started: jobId =>
            {
                watch = fleet.StartHostCommand("watch", [DrillFleet.Built("Fleet.Cli"), "status", jobId, "--watch"],
                    new Dictionary<string, string> { ["FLEET_API"] = fleet.ApiAddress, ["FLEET_API_KEY"] = DrillFleet.ApiKey, ["DOTNET_gcServer"] = "0" },
                    $"watch-{jobId}.log");
            });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await watch!.WaitForExitAsync(timeout.Token);
            var tail = watch.Tail(3);
            return figures with
            {
                Passed = figures.Passed && watch.ExitCode == 0 && tail.Contains("succeeded", StringComparison.Ordinal),
                Note = $"{figures.Note}; watch exit {watch.ExitCode}: {tail.Split('\n').LastOrDefault()?.Trim()}",
            };
        }
        finally
        {
            if (watch is not null)
                await watch.DisposeAsync();
        }
    }

    /// <summary>5. The whole cluster stopped (every silo and the API) and started again: the job resumes from its checkpoint.</summary>
    public Task<DrillFigures> RestartClusterAsync(CancellationToken cancellationToken) =>
        RunAsync("cluster", "whole cluster stopped and started", at: 0.4, async ct =>
        {
            await Task.WhenAll(fleet.Silos.Select(s => s!.StopAsync(TimeSpan.FromSeconds(20))).Append(fleet.ApiProcess!.StopAsync(TimeSpan.FromSeconds(10))));
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            for (var i = 0; i < fleet.Silos.Length; i++)
                fleet.StartSilo(i);
            fleet.StartApi();
            await fleet.WaitReadyAsync(ct);
            return "every silo and the API stopped (SIGTERM), started again";
        }, cancellationToken);

    /// <summary>6. The output container deleted mid-job: the job re-runs the shards whose parts went with it; _SUCCESS.json names one part per shard.</summary>
    public async Task<DrillFigures> DeleteOutputAsync(CancellationToken cancellationToken)
    {
        var figures = await RunAsync("output", "output container deleted", at: 0.5, async ct =>
        {
            await fleet.Blobs.GetBlobContainerClient(OutputContainer("output")).DeleteAsync(cancellationToken: ct);
            return "output container deleted";
        }, cancellationToken);
        var success = fleet.Blobs.GetBlobContainerClient(OutputContainer("output")).GetBlobClient($"{JobId("output")}/_SUCCESS.json");
        var text = (await success.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        // _SUCCESS.json states the parts as a count and a naming rule (PartsManifest), not a list.
        var dataParts = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("parts").GetProperty("data").GetInt32();
        var shards = (int)Math.Ceiling(_settings.Images / (double)_settings.ShardSize);
        return figures with { Passed = figures.Passed && dataParts == shards, Note = $"{figures.Note}; _SUCCESS.json: {dataParts} data parts for {shards} shards" };
    }

    /// <summary>
    /// 7. A slow silo (it runs a tenth of the time: SIGSTOP/SIGCONT, since this kernel has no netem) from mid-job to the
    /// end: its shards straggle, and the job's tail must not wait for them: once nothing is left to lease, idle silos take
    /// speculative copies (after Fleet:Jobs:SpeculateAfter, 20 s, or twice the median shard time) and the first commit wins.
    /// </summary>
    public async Task<DrillFigures> SlowSiloAsync(CancellationToken cancellationToken)
    {
        var victim = fleet.Silos[0]!;
        using var slow = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? throttling = null;
        var figures = await RunAsync("slow", "a silo at 1/10 speed", at: 0.5, ct =>
        {
            throttling = victim.ThrottleAsync(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(450), slow.Token);
            return Task.FromResult($"silo1 (pid {victim.Pid}) runs 50 ms of every 500 ms until the job ends");
        }, cancellationToken, after: async _ =>
        {
            await slow.CancelAsync();
            if (throttling is not null)
                await throttling;
        });
        // Without speculation the job would wait for each of the slow silo's last shards at a tenth of the speed.
        var bound = (figures.BaselineSeconds ?? figures.JobSeconds) + 2 * SpeculateAfter.TotalSeconds;
        var refused = CountInLogs(victim.LogPath, $@"Job ""?{Regex.Escape(JobId("slow"))}""? shard \d+ abandoned");
        return figures with
        {
            Passed = figures.Passed && figures.JobSeconds <= bound,
            Note = $"{figures.Note}; job {figures.JobSeconds:0.0} s against a bound of {bound:0} s (no-fault job + 2 x SpeculateAfter); the slow silo gave up {refused} shard runs",
        };
    }

    /// <summary>The silos' default Fleet:Jobs:SpeculateAfter (the drill does not change it).</summary>
    private static readonly TimeSpan SpeculateAfter = TimeSpan.FromSeconds(20);

    private static int CountInLogs(string path, string pattern) => Regex.Count(ReadLog(path), pattern);

    /// <summary>A process's log as it stands, while the process may still be writing it.</summary>
    private static string ReadLog(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private string JobId(string scenario) => $"{scenario}-{Path.GetFileName(fleet.Folder)}";

    private string OutputContainer(string scenario) => $"out-{JobId(scenario)}";

    /// <summary>
    /// Runs one job; once <paramref name="at"/> of its shards are done, injects the fault; waits for the end; verifies every
    /// image is in exactly one row, and measures: fault to the next committed shard, images processed twice (summed from
    /// the silos' per-shard log lines, killed silos included), and the job's time against the baseline.
    /// </summary>
    private async Task<DrillFigures> RunAsync(string scenario, string fault, double? at, Func<CancellationToken, Task<string>> inject,
        CancellationToken cancellationToken, Func<CancellationToken, Task>? after = null, Action<string>? started = null)
    {
        var dataset = await DatasetAsync(cancellationToken);
        var jobId = JobId(scenario);
        var output = $"{fleet.BlobEndpoint}/{OutputContainer(scenario)}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.JobTimeout);
        var ct = timeout.Token;

        var clock = Stopwatch.StartNew();
        await fleet.SubmitAsync(jobId, dataset, output, _settings.ShardSize, ct);
        started?.Invoke(jobId);
        log($"[{scenario}] submitted {jobId}");

        // Status twice a second, in the background, across the fault: the commits' timeline.
        var commits = new List<(TimeSpan At, int Done)>();
        DrillStatus? last = null;
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                if (await fleet.StatusAsync(jobId, stopWatching.Token) is { } status)
                {
                    lock (commits)
                    {
                        if (commits.Count == 0 || commits[^1].Done != status.ShardsDone)
                            commits.Add((clock.Elapsed, status.ShardsDone));
                        last = status;
                    }
                    if (status.IsTerminal)
                        return;
                }
                await Task.Delay(500, stopWatching.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, ct);

        TimeSpan? faultAt = null;
        int? doneAtFault = null;
        var what = "";
        if (at is { } fraction)
        {
            while (true)
            {
                DrillStatus? now;
                lock (commits)
                    now = last;
                if (now is { IsTerminal: true })
                    break;
                if (now is { PlanningComplete: true } && now.ShardsDone >= fraction * now.ShardsTotal)
                    break;
                await Task.Delay(200, ct);
            }
            // The shards done at the fault, asked now (the background poll may be half a second behind).
            var atFault = await fleet.StatusAsync(jobId, ct);
            faultAt = clock.Elapsed;
            doneAtFault = atFault?.ShardsDone;
            log($"[{scenario}] fault at {faultAt.Value.TotalSeconds:0.0} s: {fault}");
            what = await inject(ct);
            log($"[{scenario}] {what}");
        }

        await watching;
        var seconds = clock.Elapsed.TotalSeconds;
        var final = last!;
        log($"[{scenario}] {final.State} in {seconds:0.0} s{(final.Reason is null ? "" : $": {final.Reason}")}");

        double? faultToCommit = null;
        if (faultAt is { } t)
        {
            lock (commits)
            {
                var done = doneAtFault ?? commits.LastOrDefault(c => c.At <= t).Done;
                if (commits.FirstOrDefault(c => c.At > t && c.Done > done) is { At: var next } && next > TimeSpan.Zero)
                    faultToCommit = (next - t).TotalSeconds;
            }
        }

        var verify = await fleet.VerifyAsync(jobId, dataset, output, ct);
        var processed = ProcessedImages(jobId);
        if (after is not null)
            await after(ct);
        if (scenario is "baseline" or "warmup")
            _baselineSeconds = seconds;
        return new DrillFigures(scenario, fault, final.State, verify.DatasetImages, verify.Missing, verify.Duplicated, verify.ErrorRows,
            faultToCommit, processed - verify.DatasetImages, seconds, _baselineSeconds, what)
        {
            Passed = final.State == "Succeeded" && verify.ExitCode == 0 && verify.Missing == 0 && verify.Duplicated == 0 && verify.ErrorRows == 0
                     && verify.DatasetImages == _settings.Images,
        };
    }

    /// <summary>
    /// Images the silos started for this job, summed over every shard run (committed, abandoned, or cut short by a kill)
    /// from their logs: an upper bound on the work done twice.
    /// </summary>
    private long ProcessedImages(string jobId)
    {
        var pattern = new Regex($@"Job ""?{Regex.Escape(jobId)}""? shard \d+ started: (\d+) images");
        return fleet.SiloLogs.Sum(path => pattern.Matches(ReadLog(path)).Sum(m => long.Parse(m.Groups[1].Value)));
    }
}

/// <summary>One scenario's outcome: what `fleet verify` found and the figures the drill's table shows.</summary>
public sealed record DrillFigures(string Scenario, string Fault, string State, long Images, long Lost, long Duplicated, long ErrorRows,
    double? FaultToCommitSeconds, long ProcessedTwice, double JobSeconds, double? BaselineSeconds, string Note)
{
    public bool Passed { get; init; }

    public static string Header =>
        "| scenario | fault | state | images | lost | duplicated | error rows | fault -> next commit (s) | processed twice | job (s) | no-fault job (s) | ok |\n" +
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    public string Row =>
        $"| {Scenario} | {Fault} | {State} | {Images} | {Lost} | {Duplicated} | {ErrorRows} | {FaultToCommitSeconds?.ToString("0.0") ?? "-"} | " +
        $"{ProcessedTwice} | {JobSeconds:0.0} | {BaselineSeconds?.ToString("0.0") ?? "-"} | {(Passed ? "yes" : "NO")} |";
}
