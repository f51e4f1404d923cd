using Fleet.Contracts;
using Fleet.Grains.Labeling;
using Fleet.Storage.Datasets;
using Fleet.Storage.Results;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Grains.Jobs;

/// <summary>
/// One job. It plans (streams the listing into shard manifests, checkpointing the listing position), leases shards
/// to the workers that pull them, grants each shard's commit to one lease at a time, records commits in a done-bitmap,
/// and finishes with _SUCCESS.json. It only answers calls (workers -> job), and tells the registry one-way, so no
/// call chain can deadlock. A reminder re-activates it after its silo dies; activation re-opens what is not done.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", FleetStorageNames.GrainStorage)] IPersistentState<JobRecord> state,
    DatasetListerFactory listers,
    ResultStoreFactory results,
    ShardManifestStore manifests,
    ShardProcessor processor,
    IOptions<JobRunOptions> runOptions,
    TimeProvider time,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable, IDisposable
{
    private const string KeepAliveReminder = "keep-alive";
    private const int ParallelManifestWrites = 8;

    private readonly LeaseTable _leases = new(time);
    private readonly ThroughputWindow _rate = new(time);
    private readonly Dictionary<int, int> _attempts = [];
    private readonly List<double> _shardSeconds = [];
    private CancellationTokenSource? _planning;
    private Task _checkpoint = Task.CompletedTask;
    private bool _dirty;
    private bool _finishing;

    private string JobId => this.GetPrimaryKeyString();
    private JobRecord Job => state.State;
    private JobRunOptions Options => runOptions.Value;
    private IJobRegistryGrain Registry => GrainFactory.GetGrain<IJobRegistryGrain>(0);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, Options.CheckpointInterval, Options.CheckpointInterval);
        if (Job.IsActive)
        {
            logger.LogInformation("Job {JobId} re-activated: {Done}/{Shards} shards done, carrying on", JobId, Job.ShardsDone, Job.ShardCount);
            Start();
        }
        return Task.CompletedTask;
    }

    public async Task<SubmitResult> Submit(JobSpec spec)
    {
        var problems = JobSpecValidator.Validate(spec);
        if (problems.Count > 0)
            return Rejected(problems.ToDictionary(p => p.Field, p => p.Reason));
        if (Job.Spec is not null)
        {
            if (Job.Spec != spec)
                return Rejected(new() { ["jobId"] = $"job '{JobId}' already exists with a different spec; use a new job id" });
            // The same spec again: a no-op for a running or finished job, a resume for a stopped one.
            return Job.IsActive || Job.State == JobState.Succeeded ? Accepted() : await Resume();
        }

        var modelProblems = processor.ModelProblems(spec);
        if (modelProblems.Count > 0)
            return Rejected(modelProblems.ToDictionary(p => p.Field, p => p.Reason));
        try
        {
            results.Create(spec.Output);
        }
        catch (ArgumentException e)
        {
            return Rejected(new() { ["output"] = e.Message });
        }
        try
        {
            var lister = await listers.CreateAsync(spec.Dataset, CancellationToken.None);
            await lister.EnsureExistsAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DatasetNotFoundException or ArgumentException or InvalidDataException)
        {
            return Rejected(new() { ["dataset"] = e.Message });
        }

        Job.Spec = spec;
        Job.CreatedAt = time.GetUtcNow();
        Job.State = JobState.Planning;
        await StartRunAsync();
        logger.LogInformation("Job {JobId} submitted: {Dataset} -> {Output}", JobId, spec.Dataset, spec.Output);
        return Accepted();
    }

    public async Task<SubmitResult> Resume()
    {
        if (Job.Spec is null)
            return Rejected(new() { ["jobId"] = $"job '{JobId}' does not exist" });
        if (Job.IsActive)
            return Rejected(new() { ["state"] = $"job '{JobId}' is already {Job.State.ToString().ToLowerInvariant()}" });
        if (Job.State == JobState.Succeeded)
            return Rejected(new() { ["state"] = $"job '{JobId}' already succeeded; nothing to resume" });

        foreach (var shard in Job.FailedByShard.Keys.ToArray())
            Job.ReopenShard(shard);
        Job.State = Job.PlanningComplete ? JobState.Running : JobState.Planning;
        await StartRunAsync();
        logger.LogInformation("Job {JobId} resumed: {Done}/{Shards} shards already done", JobId, Job.ShardsDone, Job.ShardCount);
        return Accepted();
    }

    public async Task<JobStatus> Cancel()
    {
        if (Job.IsActive)
        {
            await StopAsync(JobState.Cancelled, "cancelled by request");
            logger.LogInformation("Job {JobId} cancelled", JobId);
        }
        return Snapshot();
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(Snapshot());

    public Task<ShardLease?> LeaseShard(string workerId)
    {
        if (!Job.IsActive || _finishing)
            return Task.FromResult<ShardLease?>(null);
        var lease = _leases.TryLease(workerId, Options.LeaseDuration, SpeculateAfter(), allowSpeculation: Job.PlanningComplete);
        return Task.FromResult(lease is null ? null : new ShardLease
        {
            JobId = JobId,
            Shard = lease.Shard,
            LeaseId = lease.Id,
            ExpiresAt = lease.ExpiresAt,
            Spec = Job.Spec!,
            Speculative = lease.Speculative,
        });
    }

    public Task<bool> RenewLease(int shard, Guid leaseId) =>
        Task.FromResult(Job.IsActive && !Job.IsShardDone(shard) && _leases.Renew(shard, leaseId, Options.LeaseDuration));

    public Task<bool> BeginCommit(int shard, Guid leaseId) =>
        Task.FromResult(Job.IsActive && !Job.IsShardDone(shard) && _leases.TryGrantCommit(shard, leaseId, Options.LeaseDuration));

    public async Task<bool> ReportShard(int shard, Guid leaseId, ShardReport report)
    {
        if (!Job.IsActive || Job.IsShardDone(shard) || !_leases.HoldsCommit(shard, leaseId))
        {
            logger.LogInformation("Job {JobId} ignored a report for shard {Shard} from a superseded lease", JobId, shard);
            return false;
        }
        if (_leases.Complete(shard, leaseId) is { } committed)
        {
            _shardSeconds.Add((time.GetUtcNow() - committed.LeasedAt).TotalSeconds);
            if (_shardSeconds.Count > 100)
                _shardSeconds.RemoveAt(0);
        }
        _attempts.Remove(shard);
        Job.MarkShardDone(shard, report);
        _rate.Add(report.Succeeded + report.Failed);
        _dirty = true;

        if (Job.PlanningComplete && OverErrorBudget(out var reason))
            await StopAsync(JobState.Failed, reason);
        else if (Job.AllShardsDone)
            await FinishAsync();
        return true;
    }

    public async Task AbandonShard(int shard, Guid leaseId, string reason)
    {
        if (!Job.IsActive || !_leases.Release(shard, leaseId))
            return;
        var attempts = _attempts[shard] = _attempts.GetValueOrDefault(shard) + 1;
        logger.LogWarning("Job {JobId} shard {Shard} failed (attempt {Attempt}): {Reason}", JobId, shard, attempts, reason);
        if (attempts >= Options.MaxShardAttempts)
            await StopAsync(JobState.Failed, $"shard {shard} failed {attempts} times: {reason}");
    }

    public void Dispose()
    {
        _planning?.Cancel();
        _planning?.Dispose();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // Being called is the point: activation re-opened the job. A job that is not running needs no reminder.
        Job.IsActive ? Task.CompletedTask : StopKeepAliveAsync();

    private async Task StartRunAsync()
    {
        Job.StartedAt = time.GetUtcNow();
        Job.FinishedAt = null;
        Job.Reason = null;
        await CheckpointAsync();
        await this.RegisterOrUpdateReminder(KeepAliveReminder, Options.KeepAlivePeriod, Options.KeepAlivePeriod);
        Start();
    }

    /// <summary>Rebuilds the in-memory queue from the persisted plan and carries on planning where it stopped.</summary>
    private void Start()
    {
        _leases.Clear();
        for (var shard = 0; shard < Job.ShardCount; shard++)
        {
            if (!Job.IsShardDone(shard))
                _leases.Enqueue(shard);
        }
        _rate.Start();
        Registry.Activate(JobId).Ignore();
        if (!Job.PlanningComplete)
        {
            _planning?.Dispose();
            _planning = new CancellationTokenSource();
            _ = PlanAsync(_planning.Token);
        }
        else if (Job.AllShardsDone)
        {
            _ = FinishAsync();
        }
    }

    /// <summary>Runs on the grain's scheduler (I/O only); every shard is leasable as soon as its manifest is written.</summary>
    private async Task PlanAsync(CancellationToken cancellationToken)
    {
        var spec = Job.Spec!;
        using var activity = FleetMetrics.Activities.StartActivity("plan");
        activity?.SetTag("fleet.job", JobId);
        try
        {
            var lister = await listers.CreateAsync(spec.Dataset, cancellationToken);
            var batch = new List<string>(spec.ShardSize);
            var writes = new Queue<ManifestWrite>();
            string? lastCheckpoint = null;
            await foreach (var item in lister.ListAsync(Job.PlanCheckpoint, cancellationToken))
            {
                batch.Add(item.Uri);
                lastCheckpoint = item.Checkpoint;
                if (batch.Count == spec.ShardSize)
                    await EmitShardAsync(batch, lastCheckpoint, writes, cancellationToken);
            }
            if (batch.Count > 0)
                await EmitShardAsync(batch, lastCheckpoint!, writes, cancellationToken);
            while (writes.Count > 0)
                await PublishOldestAsync(writes);

            Job.PlanningComplete = true;
            if (Job.ImagesTotal == 0)
            {
                await StopAsync(JobState.Failed, $"dataset '{lister.Describe()}' holds no images" +
                    (lister is ManifestFileLister ? " (the manifest lists no URIs)" : $" (looked for {string.Join(", ", ImageFileTypes.All)})"));
                return;
            }
            Job.State = JobState.Running;
            await CheckpointAsync();
            logger.LogInformation("Job {JobId} planned: {Images} images in {Shards} shards", JobId, Job.ImagesTotal, Job.ShardCount);
            if (Job.AllShardsDone)
                await FinishAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled or stopped: the checkpoint says where to carry on.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} could not be planned", JobId);
            await StopAsync(JobState.Failed, e is DatasetNotFoundException ? e.Message : $"planning failed: {e.Message}");
        }
    }

    /// <summary>
    /// Starts writing the manifest of the next shard; a few writes are in flight at once (one storage round trip each
    /// would make planning 1M images take minutes), and shards are published strictly in order as their writes finish.
    /// </summary>
    private async Task EmitShardAsync(List<string> batch, string checkpoint, Queue<ManifestWrite> writes, CancellationToken cancellationToken)
    {
        var shard = Job.ShardCount + writes.Count;
        writes.Enqueue(new ManifestWrite(shard, batch.Count, checkpoint, manifests.WriteAsync(JobId, shard, batch.ToArray(), cancellationToken)));
        batch.Clear();
        if (writes.Count >= ParallelManifestWrites)
            await PublishOldestAsync(writes);
    }

    /// <summary>Manifest first, then the count and checkpoint: a crash in between re-plans (and rewrites) this shard.</summary>
    private async Task PublishOldestAsync(Queue<ManifestWrite> writes)
    {
        var write = writes.Dequeue();
        await write.Written;
        Job.ShardCount++;
        Job.ImagesTotal += write.Images;
        Job.PlanCheckpoint = write.Checkpoint;
        _dirty = true;
        _leases.Enqueue(write.Shard);
    }

    private sealed record ManifestWrite(int Shard, int Images, string Checkpoint, Task Written);

    private async Task FinishAsync()
    {
        if (_finishing || !Job.IsActive)
            return;
        _finishing = true;
        try
        {
            var spec = Job.Spec!;
            var store = results.Create(spec.Output);
            var parts = new List<string>();
            await foreach (var part in store.ListPartsAsync(JobId, CancellationToken.None))
                parts.Add(part);
            var finishedAt = time.GetUtcNow();
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
                FinishedAt = finishedAt,
                Seconds = (finishedAt - (Job.CreatedAt ?? finishedAt)).TotalSeconds,
            };
            await store.WriteSuccessAsync(JobId, manifest.ToJson(), CancellationToken.None);
            await StopAsync(JobState.Succeeded, reason: null);
            logger.LogInformation("Job {JobId} succeeded: {Succeeded} labeled, {Failed} failed, {Shards} shards", JobId, Job.ImagesSucceeded, Job.ImagesFailed, Job.ShardCount);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} could not write its success marker", JobId);
            await StopAsync(JobState.Failed, $"could not write {ResultLayout.SuccessMarker}: {e.Message}");
        }
        finally
        {
            _finishing = false;
        }
    }

    private async Task StopAsync(JobState final, string? reason)
    {
        _planning?.Cancel();
        _leases.Clear();
        _rate.Stop();
        Job.State = final;
        Job.Reason = reason;
        Job.FinishedAt = time.GetUtcNow();
        await CheckpointAsync();
        Registry.Deactivate(JobId).Ignore();
        await StopKeepAliveAsync();
    }

    private async Task StopKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private bool OverErrorBudget(out string reason)
    {
        var spec = Job.Spec!;
        var fraction = Job.ImagesTotal == 0 ? 0 : (double)Job.ImagesFailed / Job.ImagesTotal;
        reason = $"{Job.ImagesFailed} of {Job.ImagesTotal} images failed ({fraction:P1}), over the error budget of {spec.MaxFailedFraction:P1}; " +
                 $"see {results.Create(spec.Output).Describe()}/{JobId}/errors/";
        return fraction > spec.MaxFailedFraction;
    }

    /// <summary>Speculate only on real stragglers: well past the typical shard time, and never before the floor.</summary>
    private TimeSpan SpeculateAfter()
    {
        if (_shardSeconds.Count == 0)
            return Options.SpeculateAfter;
        var typical = _shardSeconds.Order().ElementAt(_shardSeconds.Count / 2);
        return TimeSpan.FromSeconds(Math.Max(Options.SpeculateAfter.TotalSeconds, 2 * typical));
    }

    private Task FlushAsync(CancellationToken cancellationToken) => _dirty ? CheckpointAsync() : Task.CompletedTask;

    /// <summary>Writes are chained: calls interleave at awaits and grain storage allows one write at a time.</summary>
    private Task CheckpointAsync()
    {
        _dirty = false;
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
            // Whoever awaited that write saw the failure; this write carries the newer state anyway.
            logger.LogWarning(e, "An earlier checkpoint of job {JobId} failed", JobId);
        }
        await state.WriteStateAsync();
    }

    private JobStatus Snapshot()
    {
        var rate = _rate.ImagesPerSecond;
        return new JobStatus
        {
            JobId = JobId,
            State = Job.Spec is null ? JobState.NotFound : Job.State,
            Spec = Job.Spec,
            ImagesTotal = Job.ImagesTotal,
            ImagesSucceeded = Job.ImagesSucceeded,
            ImagesFailed = Job.ImagesFailed,
            ShardsTotal = Job.ShardCount,
            ShardsDone = Job.ShardsDone,
            ShardsLeased = _leases.LeasedCount,
            ShardsPending = Job.IsActive ? _leases.PendingCount : 0,
            PlanningComplete = Job.PlanningComplete,
            StartedAt = Job.StartedAt,
            FinishedAt = Job.FinishedAt,
            Reason = Job.Reason,
            ImagesPerSecond = rate,
            Eta = Job.IsActive && Job.PlanningComplete && rate > 0
                ? TimeSpan.FromSeconds((Job.ImagesTotal - Job.ImagesSucceeded - Job.ImagesFailed) / rate)
                : null,
        };
    }

    private SubmitResult Accepted() => new() { Accepted = true, Status = Snapshot() };

    private SubmitResult Rejected(Dictionary<string, string> errors) => new()
    {
        Accepted = false,
        Errors = errors,
        Status = Snapshot() with { Reason = string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")) },
    };
}
