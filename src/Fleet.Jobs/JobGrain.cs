using System.Diagnostics;
using Fleet.Contracts;
using Fleet.Jobs.Admission;
using Fleet.Jobs.Finish;
using Fleet.Jobs.Planning;
using Fleet.Jobs.Protocol;
using Fleet.Storage.Datasets;
using Fleet.Storage.Results;
using Fleet.Storage.Security;
using Fleet.Storage.Shards;
using Fleet.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Fleet.Jobs;

/// <summary>
/// One job, as a table of contents: admission decides whether it may start (<see cref="JobAdmission"/>), the planner
/// turns the listing into shards (<see cref="ShardPlanner"/>), the lease/commit protocol hands them to workers
/// (<see cref="ShardLeaseProtocol"/>), and the finisher writes _SUCCESS.json (<see cref="JobFinisher"/>). The grain
/// owns the persisted record and its checkpoints. It only answers calls (workers -> job) and tells the registry
/// one-way, so no call chain can deadlock; a reminder re-activates it after its silo dies, and activation re-opens
/// what is not done.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", FleetStorageNames.GrainStorage)] IPersistentState<JobRecord> state,
    JobAdmission admission,
    ShardPlanner planner,
    IShardManifestStore manifests,
    JobFinisher finisher,
    ResultStoreFactory results,
    IOptions<JobRunOptions> runOptions,
    JobClock clock,
    IClusterMembershipService membership,
    ILocalSiloDetails siloDetails,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IShardLeaseGrain, IRemindable, IDisposable
{
    private const string KeepAliveReminder = "keep-alive";

    private readonly ShardLeaseProtocol _protocol = new(clock.Time, runOptions.Value);
    private readonly ThroughputWindow _rate = new(clock.Time);
    private CheckpointChain? _checkpointChain;
    private CheckpointChain _checkpoints => _checkpointChain ??= new(WriteCheckpointAsync, logger);
    private IResultStore? _results;
    private CancellationTokenSource? _planning;
    private bool _finishing;

    private string JobId => this.GetPrimaryKeyString();

    /// <summary>This silo as its workers name themselves (a worker's id is its silo's address).</summary>
    private string LocalWorkerId => siloDetails.SiloAddress.ToString();
    private JobRecord Job => state.State;
    private JobRunOptions Options => runOptions.Value;
    private IJobRegistryGrain Registry => GrainFactory.GetGrain<IJobRegistryGrain>(0);

    /// <summary>The job's one result store (its output never changes once admitted).</summary>
    private IResultStore Results => _results ??= results.Create(Job.Spec!.Output);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, Options.CheckpointInterval, Options.CheckpointInterval);
        if (Job.IsActive)
        {
            logger.LogInformation("Job {JobId} re-activated: {Done}/{Shards} shards done, carrying on", JobId, Job.ShardsDone, Job.ShardCount);
            // Every lease died with the old activation. Its worker may have died with it (one silo crash took both) or
            // live elsewhere: each is a pending loss, cleared when its worker calls again, counted if it stays silent.
            foreach (var (lease, held) in Job.Leases.Held.ToArray())
                Job.LeaseLost(held.Shard, lease, held.Worker, ChargeTime());
            Start().Ignore();
        }
        return Task.CompletedTask;
    }

    // ---- What users ask (IJobGrain) ----

    public async Task<SubmitResult> Submit(JobSpec spec)
    {
        if (Job.Spec is not null)
        {
            if (Job.Spec != spec)
                return Rejected(new Dictionary<string, string> { ["jobId"] = $"job '{JobId}' already exists with a different spec; use a new job id" });
            // The same spec again: a no-op for a running or finished job, a resume for a stopped one.
            return Job.IsActive || Job.State == JobState.Succeeded ? Accepted() : await Resume();
        }

        var problems = await admission.CheckAsync(JobId, spec, CancellationToken.None);
        if (problems.Count > 0)
            return Rejected(problems);

        Job.Spec = spec;
        Job.CaptionStyle = admission.CaptionStyleOf(spec);
        Job.CreatedAt = clock.Time.GetUtcNow();
        Job.TraceParent = Activity.Current?.Id;
        Job.State = JobState.Planning;
        await StartRunAsync();
        logger.LogInformation("Job {JobId} submitted: {Dataset} -> {Output}", JobId, SecretRedactor.Uri(spec.Dataset), SecretRedactor.Uri(spec.Output));
        return Accepted();
    }

    public async Task<SubmitResult> Resume()
    {
        if (Job.Spec is null)
            return Rejected(new Dictionary<string, string> { ["jobId"] = $"job '{JobId}' does not exist" });
        if (Job.IsActive)
            return Rejected(new Dictionary<string, string> { ["state"] = $"job '{JobId}' is already {Job.State.ToString().ToLowerInvariant()}" });
        if (Job.State == JobState.Succeeded)
            return Rejected(new Dictionary<string, string> { ["state"] = $"job '{JobId}' already succeeded; nothing to resume" });
        if (admission.ResumeProblem(Job) is { } mixed)
            return Rejected(new Dictionary<string, string> { ["captioner"] = mixed });

        foreach (var shard in Job.FailedByShard.Keys.ToArray())
            Job.ReopenShard(shard);
        // A resume is the user asking for another try: attempts start over (what isolation learned is kept).
        Job.Attempts.Clear();
        Job.TraceParent = Activity.Current?.Id ?? Job.TraceParent;
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

    // ---- What workers ask (IShardLeaseGrain) ----

    public async Task<ShardLease?> LeaseShard(string workerId)
    {
        if (!Job.IsActive || _finishing || await CountLostLeasesAsync())
            return null;
        var lease = _protocol.Lease(workerId, Job.PlanningComplete, Job.Leases.AwaitsVerdict);
        if (lease is null)
            return null;
        // Persisted before the worker has it, so that a worker lost with this grain is counted by its next activation.
        // With WriteLeasesBehind, a worker on another silo does not wait: if this grain dies first, its next activation
        // does not know the lease and refuses the worker's renewals, commit and report (no row lost or doubled), and a
        // worker that dies alone leaves its lease to expire here and be counted. Only a worker on this grain's own silo
        // can die in the same crash, unseen, so its lease is always persisted first.
        Job.Leases.Granted(lease.Id, lease.Shard, workerId);
        if (!Options.WriteLeasesBehind || workerId == LocalWorkerId)
        {
            try
            {
                await WriteAndWaitAsync();
            }
            catch (Exception e)
            {
                // Storage is down: the worker never gets this lease, so it must not expire as a lost worker later.
                EndLease(new LeaseToken(lease.Shard, lease.Id));
                logger.LogWarning("Job {JobId}: a lease on shard {Shard} was not handed out, its checkpoint failed: {Error}", JobId, lease.Shard, SecretRedactor.Text(e.Message));
                return null;
            }
        }
        else
        {
            WriteBehind();
        }
        var isolation = Job.Isolated.GetValueOrDefault(lease.Shard);
        return new ShardLease
        {
            JobId = JobId,
            Shard = lease.Shard,
            LeaseId = lease.Id,
            ExpiresAt = lease.ExpiresAt,
            Spec = Job.Spec!,
            Speculative = lease.Speculative,
            Isolate = isolation is not null,
            Poisoned = isolation?.Poisoned.ToArray() ?? [],
            TraceParent = Job.TraceParent,
        };
    }

    public async Task<bool> RecordProgress(LeaseToken lease, int item)
    {
        if (!Job.IsActive || Job.IsShardDone(lease.Shard) || !Job.Isolated.TryGetValue(lease.Shard, out var isolation) || !_protocol.Renew(lease))
            return Refused(lease);
        // Persisted before the worker touches the image: if the worker dies (and this grain with it), the image is known.
        isolation.Started(lease.LeaseId, item == ShardLease.PastLastImage ? null : item);
        await WriteAndWaitAsync();
        return true;
    }

    public Task<bool> RenewLease(LeaseToken lease) =>
        Task.FromResult((Job.IsActive && !Job.IsShardDone(lease.Shard) && _protocol.Renew(lease)) || Refused(lease));

    public Task<bool> BeginCommit(LeaseToken lease) =>
        Task.FromResult((Job.IsActive && !Job.IsShardDone(lease.Shard) && _protocol.BeginCommit(lease)) || Refused(lease));

    public async Task<bool> ReportShard(LeaseToken lease, ShardReport report)
    {
        if (!Job.IsActive || Job.IsShardDone(lease.Shard) || !_protocol.Complete(lease))
        {
            logger.LogInformation("Job {JobId} ignored a report for shard {Shard} from a superseded lease", JobId, lease.Shard);
            return Refused(lease);
        }
        Job.MarkShardDone(lease.Shard, report);
        _rate.Add(report.Succeeded + report.Failed);
        _checkpoints.Dirty = true;

        if (Job.PlanningComplete && Job.OverErrorBudget)
            await StopAsync(JobState.Failed, ErrorBudgetReason());
        else if (Job.AllShardsDone)
            await FinishAsync();
        return true;
    }

    public async Task AbandonShard(LeaseToken lease, string reason)
    {
        if (!Job.IsActive || !EndLease(lease))
        {
            Refused(lease);
            return;
        }
        var attempts = Job.AttemptFailed(lease.Shard);
        _checkpoints.Dirty = true;
        reason = SecretRedactor.Text(reason);
        logger.LogWarning("Job {JobId} shard {Shard} failed (attempt {Attempt}): {Reason}", JobId, lease.Shard, attempts, reason);
        if (Job.AttemptsExhausted(lease.Shard, Options))
            await StopAsync(JobState.Failed, $"shard {lease.Shard} failed {attempts} times: {reason}");
    }

    public Task ReturnShard(LeaseToken lease, string reason)
    {
        // Not an attempt: storage was down or the worker's silo is stopping; neither the shard nor the worker is at fault (IShardLeaseGrain.ReturnShard).
        if (Job.IsActive && EndLease(lease))
        {
            _checkpoints.Dirty = true;
            logger.LogWarning("Job {JobId} shard {Shard} returned to the queue: {Reason}", JobId, lease.Shard, SecretRedactor.Text(reason));
        }
        else
        {
            Refused(lease);
        }
        return Task.CompletedTask;
    }

    /// <summary>The lease ends without a lost worker (given back, or never handed out): its shard goes back to the queue. False for a lease no longer valid.</summary>
    private bool EndLease(LeaseToken lease)
    {
        if (!_protocol.Abandon(lease))
            return false;
        Job.Leases.Ended(lease.LeaseId);
        return true;
    }

    /// <summary>
    /// A call under a lease that is no longer valid: always false. Its holder is alive, so the lease was not lost with
    /// a worker (a slow worker, a pause, a partition, this grain's re-activation: no crash, no poison).
    /// </summary>
    private bool Refused(LeaseToken lease)
    {
        if (Job.Leases.Answered(lease.LeaseId))
        {
            _checkpoints.Dirty = true;
            logger.LogInformation("Job {JobId} shard {Shard}: the holder of a lost lease answered; it is not counted as a lost worker", JobId, lease.Shard);
        }
        return false;
    }

    /// <summary>Workers (silo addresses) the cluster's membership has declared dead: their lost leases need no more waiting.</summary>
    private Func<string, bool> DeadWorkers()
    {
        var dead = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Dead)
            .Select(m => m.SiloAddress.ToString())
            .ToHashSet(StringComparer.Ordinal);
        return dead.Contains;
    }

    /// <summary>A lease lost with an activation is counted when its holder has been silent a lease more: a live worker renews three times per lease.</summary>
    private DateTimeOffset ChargeTime() => clock.Time.GetUtcNow() + Options.LeaseDuration;

    /// <summary>
    /// Expired leases become pending losses; those whose holders stayed silent count as lost workers (a crash or a
    /// partition): an attempt, isolation for a shard that keeps losing workers, a crash charged to the image an
    /// isolated worker had in flight. True when that failed the job.
    /// </summary>
    private async Task<bool> CountLostLeasesAsync()
    {
        var expired = _protocol.TakeExpired().Where(l => !Job.IsShardDone(l.Shard)).ToList();
        // Counted once its holder has been silent a lease past the expiry: a live one renews three times per lease.
        foreach (var lease in expired)
        {
            Job.LeaseLost(lease.Shard, lease.Id, lease.Worker, lease.ExpiresAt + Options.LeaseDuration);
            logger.LogInformation("Job {JobId} shard {Shard}: the lease of {Worker} expired; the shard goes to another worker", JobId, lease.Shard, lease.Worker);
        }
        var lost = Job.Leases.Pending.Count == 0 ? [] : Job.CountSilentLosses(clock.Time.GetUtcNow(), DeadWorkers(), Options);
        foreach (var loss in lost)
        {
            logger.LogWarning("Job {JobId} shard {Shard}: a worker was lost{Blame}{Isolation}", JobId, loss.Shard,
                loss.Item is { } item ? $" with image {item} in flight" : "",
                Job.Isolated.ContainsKey(loss.Shard) && !loss.Isolated ? "; the shard now runs one image at a time" : "");
            if (Job.AttemptsExhausted(loss.Shard, Options))
            {
                await StopAsync(JobState.Failed, $"shard {loss.Shard} lost {Job.Attempts.GetValueOrDefault(loss.Shard)} workers");
                return true;
            }
        }
        if (expired.Count > 0 || lost.Count > 0)
            await WriteAndWaitAsync();
        return false;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // Being called is the point: activation re-opened the job. A job that is not running needs no reminder.
        Job.IsActive ? Task.CompletedTask : StopKeepAliveAsync();

    public void Dispose()
    {
        _planning?.Cancel();
        _planning?.Dispose();
    }

    // ---- Running ----

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Job.IsActive && await CountLostLeasesAsync())
            return;
        if (_checkpoints.Dirty)
            await WriteAndWaitAsync();
    }

    private async Task StartRunAsync()
    {
        Job.StartedAt = clock.Time.GetUtcNow();
        Job.FinishedAt = null;
        Job.Reason = null;
        await WriteAndWaitAsync();
        await this.RegisterOrUpdateReminder(KeepAliveReminder, Options.KeepAlivePeriod, Options.KeepAlivePeriod);
        // Awaited: once a submit or resume returns, the registry knows the job, so the API can address it at once.
        await Start();
    }

    /// <summary>Rebuilds the in-memory queue from the persisted plan and carries on planning where it stopped; the task is the registry's.</summary>
    private Task Start()
    {
        _protocol.Clear();
        for (var shard = 0; shard < Job.ShardCount; shard++)
        {
            if (!Job.IsShardDone(shard))
                _protocol.Enqueue(shard);
        }
        _rate.Start();
        var registered = Registry.Activate(JobId);
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
        return registered;
    }

    /// <summary>Runs on the grain's scheduler (I/O only); each shard is leasable as soon as the planner hands it over.</summary>
    private async Task PlanAsync(CancellationToken cancellationToken)
    {
        using var activity = FleetTelemetry.StartJobActivity("plan", Job.TraceParent);
        activity?.SetTag("fleet.job", JobId);
        try
        {
            await foreach (var shard in planner.PlanAsync(JobId, Job.Spec!, Job.ShardCount, Job.PlanCheckpoint, cancellationToken))
            {
                // Manifest first, then the count and checkpoint: a crash in between re-plans (and rewrites) this shard.
                Job.ShardCount++;
                Job.ImagesTotal += shard.Images;
                Job.PlanCheckpoint = shard.Checkpoint;
                _checkpoints.Dirty = true;
                _protocol.Enqueue(shard.Shard);
            }
            // Each manifest write was an await at which a cancel or a failure could land: a stopped job stays stopped
            // (its plan so far is kept for a resume).
            if (!Job.IsActive)
                return;
            Job.PlanningComplete = true;
            Job.State = JobState.Running;
            await _checkpoints.WriteAsync();
            logger.LogInformation("Job {JobId} planned: {Images} images in {Shards} shards", JobId, Job.ImagesTotal, Job.ShardCount);
            if (Job.OverErrorBudget)
                await StopAsync(JobState.Failed, ErrorBudgetReason());
            else if (Job.AllShardsDone)
                await FinishAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled or stopped: the checkpoint says where to carry on.
        }
        catch (Exception e)
        {
            var message = SecretRedactor.Text(e.Message);
            if (!Job.IsActive)
            {
                // Stopped while planning waited (a cancel): the failure changes nothing.
                logger.LogInformation("Job {JobId} stopped while planning; planning ended with {Error}: {Message}", JobId, e.GetType().Name, message);
                return;
            }
            logger.LogError("Job {JobId} could not be planned: {Error}: {Message}", JobId, e.GetType().Name, message);
            Job.PlanningComplete = e is EmptyDatasetException;
            await StopAsync(JobState.Failed, e is DatasetNotFoundException or EmptyDatasetException ? message : $"planning failed: {message}");
        }
    }

    private async Task FinishAsync()
    {
        if (_finishing || !Job.IsActive)
            return;
        _finishing = true;
        try
        {
            if (await finisher.WriteSuccessAsync(JobId, Job, Results, CancellationToken.None) is { Count: > 0 } missing)
            {
                await ReopenMissingPartsAsync(missing);
                return;
            }
            // Before the state says Succeeded: every shard is committed, so nothing reads them again even if this
            // grain dies here and finishes once more on re-activation.
            await DeleteManifestsAsync();
            await StopAsync(JobState.Succeeded, reason: null);
            logger.LogInformation("Job {JobId} succeeded: {Succeeded} labeled, {Failed} failed, {Shards} shards", JobId, Job.ImagesSucceeded, Job.ImagesFailed, Job.ShardCount);
        }
        catch (Exception e)
        {
            var message = SecretRedactor.Text(e.Message);
            logger.LogError("Job {JobId} could not write its success marker: {Error}: {Message}", JobId, e.GetType().Name, message);
            await StopAsync(JobState.Failed, $"could not write {ResultLayout.SuccessMarker}: {message}");
        }
        finally
        {
            _finishing = false;
        }
    }

    /// <summary>
    /// Writes the checkpoint and waits for it. Calls do not interleave, so meanwhile this grain answers no one: while
    /// storage is slow or down no worker's renewal gets through, and the leases' clocks stop for as long as the wait took.
    /// Without this, every lease expired during a storage outage and each was charged as a lost worker though none was.
    /// </summary>
    private async Task WriteAndWaitAsync()
    {
        var started = clock.Time.GetUtcNow();
        try
        {
            await _checkpoints.WriteAsync();
        }
        finally
        {
            _protocol.Stalled(started, clock.Time.GetUtcNow() - started);
        }
    }

    /// <summary>
    /// Queues a checkpoint nobody waits for (it holds no call, so the leases' clocks run on). A failure leaves the
    /// state dirty for the next flush.
    /// </summary>
    private void WriteBehind() => _ = WriteBehindAsync();

    private async Task WriteBehindAsync()
    {
        try
        {
            await _checkpoints.WriteAsync();
        }
        catch (Exception e)
        {
            _checkpoints.Dirty = true;
            logger.LogWarning("Job {JobId}: a checkpoint failed; the next one carries it: {Error}", JobId, SecretRedactor.Text(e.Message));
        }
    }

    private async Task WriteCheckpointAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            // The stored record's etag is not the one this activation holds: a write that timed out in an outage but
            // landed, or another activation. Every later write would fail the same way, so this activation ends and
            // the next call re-activates the job from what is stored (shards done since are run again, replacing
            // their parts; leases out become pending losses their live holders clear).
            logger.LogWarning("Job {JobId}: the stored checkpoint changed under this activation ({Error}); re-activating from it", JobId, e.Message);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Shards marked done whose parts are gone from the output (it was deleted): run them again, then finish.</summary>
    private async Task ReopenMissingPartsAsync(IReadOnlyList<int> shards)
    {
        foreach (var shard in shards)
        {
            Job.ReopenShard(shard);
            _protocol.Enqueue(shard);
        }
        await WriteAndWaitAsync();
        logger.LogWarning("Job {JobId}: {Missing} committed shards have no part in the output (deleted?); re-running them: {Shards}",
            JobId, shards.Count, string.Join(", ", shards.Take(20)));
    }

    /// <summary>The manifests may hold the dataset's SAS URIs; only a finished job never reads them again (a resume does).</summary>
    private async Task DeleteManifestsAsync()
    {
        try
        {
            await manifests.DeleteJobAsync(JobId, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning("Job {JobId} succeeded but its shard manifests could not be deleted: {Message}", JobId, SecretRedactor.Text(e.Message));
        }
    }

    private async Task StopAsync(JobState final, string? reason)
    {
        _planning?.Cancel();
        _protocol.Clear();
        Job.Leases.Clear();
        _rate.Stop();
        Job.State = final;
        Job.Reason = reason;
        Job.FinishedAt = clock.Time.GetUtcNow();
        await WriteAndWaitAsync();
        Registry.Deactivate(JobId).Ignore();
        await StopKeepAliveAsync();
    }

    private async Task StopKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private string ErrorBudgetReason() =>
        $"{Job.ImagesFailed} of {Job.ImagesTotal} images failed ({Job.FailedFraction:P1}), over the error budget of {Job.Spec!.MaxFailedFraction:P1}; " +
        $"see {Results.Describe()}/{JobId}/errors/";

    private JobStatus Snapshot() => Job.ToStatus(JobId, _protocol.LeasedCount, _protocol.PendingCount, _rate.ImagesPerSecond);

    private SubmitResult Accepted() => new() { Accepted = true, Status = Snapshot() };

    private SubmitResult Rejected(IReadOnlyDictionary<string, string> errors) => new()
    {
        Accepted = false,
        Errors = errors,
        Status = Snapshot() with { Reason = string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")) },
    };
}
