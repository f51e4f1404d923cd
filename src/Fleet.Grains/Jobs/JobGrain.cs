using System.Diagnostics;
using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Grains.Labeling;
using Fleet.Storage.Datasets;
using Fleet.Storage.Results;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Grains.Jobs;

/// <summary>
/// One job: validates and persists the spec, streams the listing into shard manifests, runs the shards on this
/// silo as they appear, and checkpoints a done-bitmap after each commit, so a re-submit resumes where it stopped.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", FleetStorageNames.GrainStorage)] IPersistentState<JobRecord> state,
    DatasetListerFactory listers,
    ResultStoreFactory results,
    ShardManifestStore manifests,
    ShardProcessor processor,
    IOptions<JobRunOptions> runOptions,
    ILogger<JobGrain> logger) : Grain, IJobGrain
{
    private Task _checkpoint = Task.CompletedTask;
    private Task? _run;
    private DateTimeOffset _lastCheckpoint;
    private readonly Stopwatch _runClock = new();
    private long _imagesThisRun;

    private string JobId => this.GetPrimaryKeyString();
    private JobRecord Job => state.State;

    public async Task<SubmitResult> Submit(JobSpec spec)
    {
        var problems = JobSpecValidator.Validate(spec);
        if (problems.Count > 0)
            return Rejected(problems.ToDictionary(p => p.Field, p => p.Reason));
        if (Job.Spec is not null && Job.Spec != spec)
            return Rejected(new() { ["jobId"] = $"job '{JobId}' already exists with a different spec; use a new job id" });
        if (_run is { IsCompleted: false } || Job.State == JobState.Succeeded)
            return new SubmitResult { Accepted = true, Status = Snapshot() };

        try
        {
            var lister = await listers.CreateAsync(spec.Dataset, CancellationToken.None);
            await lister.EnsureExistsAsync(CancellationToken.None);
            results.Create(spec.Output);
            processor.Validate(spec);
        }
        catch (Exception e) when (e is DatasetNotFoundException or ArgumentException or KeyNotFoundException or InvalidDataException)
        {
            return Rejected(new() { [FieldOf(e)] = e.Message });
        }

        Job.Spec = spec;
        Job.CreatedAt ??= DateTimeOffset.UtcNow;
        Job.StartedAt = DateTimeOffset.UtcNow;
        Job.FinishedAt = null;
        Job.Reason = null;
        Job.State = Job.PlanningComplete ? JobState.Running : JobState.Planning;
        await state.WriteStateAsync();
        logger.LogInformation("Job {JobId} started on {Dataset} -> {Output} ({ShardsDone} shards already done)", JobId, spec.Dataset, spec.Output, Job.ShardsDone);

        _run = RunAsync(spec);
        return new SubmitResult { Accepted = true, Status = Snapshot() };
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(Snapshot());

    private async Task RunAsync(JobSpec spec)
    {
        _runClock.Restart();
        _imagesThisRun = 0;
        try
        {
            var store = results.Create(spec.Output);
            var pending = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
            var workers = Enumerable.Range(0, Math.Max(1, runOptions.Value.ParallelShards))
                .Select(_ => RunShardsAsync(spec, pending.Reader))
                .ToArray();
            try
            {
                await PlanAsync(spec, pending.Writer);
            }
            finally
            {
                pending.Writer.TryComplete();
            }
            await Task.WhenAll(workers);
            await FinishAsync(spec, store);
        }
        catch (Exception e)
        {
            _runClock.Stop();
            logger.LogError(e, "Job {JobId} failed", JobId);
            Job.State = JobState.Failed;
            Job.Reason = e is DatasetNotFoundException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Job.FinishedAt = DateTimeOffset.UtcNow;
            await CheckpointAsync(force: true);
        }
    }

    /// <summary>Streams the listing into manifests; a re-plan after a crash writes the same manifests again, so it is safe.</summary>
    private async Task PlanAsync(JobSpec spec, ChannelWriter<int> pending)
    {
        if (Job.PlanningComplete)
        {
            for (var shard = 0; shard < Job.ShardCount; shard++)
            {
                if (!Job.IsShardDone(shard))
                    pending.TryWrite(shard);
            }
            return;
        }

        var lister = await listers.CreateAsync(spec.Dataset, CancellationToken.None);
        var batch = new List<string>(spec.ShardSize);
        int shardCount = 0;
        long images = 0;
        await foreach (var uri in lister.ListAsync(CancellationToken.None))
        {
            batch.Add(uri);
            if (batch.Count == spec.ShardSize)
                await EmitShardAsync();
        }
        if (batch.Count > 0)
            await EmitShardAsync();

        Job.ShardCount = shardCount;
        Job.ImagesTotal = images;
        Job.PlanningComplete = true;
        if (images == 0)
            throw new DatasetNotFoundException($"dataset '{lister.Describe()}' holds no images (looked for {string.Join(", ", ImageFileTypes.All)})");
        Job.State = JobState.Running;
        await CheckpointAsync(force: true);

        async Task EmitShardAsync()
        {
            var shard = shardCount;
            await manifests.WriteAsync(JobId, shard, batch.ToArray(), CancellationToken.None);
            shardCount++;
            images += batch.Count;
            // Progress shows the plan growing; the shard is runnable as soon as its manifest exists.
            Job.ShardCount = Math.Max(Job.ShardCount, shardCount);
            Job.ImagesTotal = Math.Max(Job.ImagesTotal, images);
            batch.Clear();
            if (!Job.IsShardDone(shard))
                pending.TryWrite(shard);
        }
    }

    private async Task RunShardsAsync(JobSpec spec, ChannelReader<int> pending)
    {
        await foreach (var shard in pending.ReadAllAsync())
        {
            // The shard runs on the thread pool: decode and inference must not hold the grain's scheduler.
            var outcome = await Task.Run(() => processor.RunAsync(JobId, shard, spec, CancellationToken.None));
            Job.MarkShardDone(shard);
            Job.ImagesSucceeded += outcome.Succeeded;
            Job.ImagesFailed += outcome.Failed;
            _imagesThisRun += outcome.Succeeded + outcome.Failed;
            await CheckpointAsync(force: false);
        }
    }

    private async Task FinishAsync(JobSpec spec, IResultStore store)
    {
        var failedFraction = Job.ImagesTotal == 0 ? 0 : (double)Job.ImagesFailed / Job.ImagesTotal;
        Job.FinishedAt = DateTimeOffset.UtcNow;
        if (failedFraction > spec.MaxFailedFraction)
        {
            _runClock.Stop();
            Job.State = JobState.Failed;
            Job.Reason = $"{Job.ImagesFailed} of {Job.ImagesTotal} images failed ({failedFraction:P1}), over the error budget of {spec.MaxFailedFraction:P1}; see {store.Describe()}/{JobId}/errors/";
            await CheckpointAsync(force: true);
            return;
        }

        var parts = new List<string>();
        await foreach (var part in store.ListPartsAsync(JobId, CancellationToken.None))
            parts.Add(part);
        var manifest = new SuccessManifest
        {
            JobId = JobId,
            Dataset = spec.Dataset,
            Output = store.Describe(),
            Images = Job.ImagesTotal,
            Succeeded = Job.ImagesSucceeded,
            Failed = Job.ImagesFailed,
            Shards = Job.ShardCount,
            Parts = parts,
            Models = processor.Fingerprints(spec),
            StartedAt = Job.CreatedAt,
            FinishedAt = Job.FinishedAt.Value,
            Seconds = (Job.FinishedAt.Value - (Job.CreatedAt ?? Job.FinishedAt.Value)).TotalSeconds,
        };
        await store.WriteSuccessAsync(JobId, manifest.ToJson(), CancellationToken.None);
        _runClock.Stop();
        Job.State = JobState.Succeeded;
        await CheckpointAsync(force: true);
        logger.LogInformation("Job {JobId} succeeded: {Succeeded} labeled, {Failed} failed, {Shards} shards", JobId, Job.ImagesSucceeded, Job.ImagesFailed, Job.ShardCount);
    }

    /// <summary>Writes are chained: shard workers interleave at awaits and grain storage allows one write at a time.</summary>
    private Task CheckpointAsync(bool force)
    {
        if (!force && DateTimeOffset.UtcNow - _lastCheckpoint < runOptions.Value.CheckpointInterval)
            return Task.CompletedTask;
        _lastCheckpoint = DateTimeOffset.UtcNow;
        _checkpoint = WriteAfterAsync(_checkpoint);
        return _checkpoint;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception e)
        {
            // The caller of that write saw this failure already; this write carries the newer state anyway.
            logger.LogWarning(e, "An earlier checkpoint of job {JobId} failed", JobId);
        }
        await state.WriteStateAsync();
    }

    private JobStatus Snapshot() => new()
    {
        JobId = JobId,
        State = Job.Spec is null ? JobState.NotFound : Job.State,
        Spec = Job.Spec,
        ImagesTotal = Job.ImagesTotal,
        ImagesSucceeded = Job.ImagesSucceeded,
        ImagesFailed = Job.ImagesFailed,
        ShardsTotal = Job.ShardCount,
        ShardsDone = Job.ShardsDone,
        PlanningComplete = Job.PlanningComplete,
        StartedAt = Job.StartedAt,
        FinishedAt = Job.FinishedAt,
        Reason = Job.Reason,
        ImagesPerSecond = _runClock.Elapsed.TotalSeconds > 0 ? _imagesThisRun / _runClock.Elapsed.TotalSeconds : 0,
    };

    private SubmitResult Rejected(Dictionary<string, string> errors) => new()
    {
        Accepted = false,
        Errors = errors,
        Status = Snapshot() with { Reason = string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")) },
    };

    private static string FieldOf(Exception e) => e switch
    {
        DatasetNotFoundException => "dataset",
        KeyNotFoundException => "model",
        _ => "output",
    };
}
