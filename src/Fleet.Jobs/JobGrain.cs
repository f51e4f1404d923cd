using System.Diagnostics;
using Fleet.Contracts;
using Fleet.Jobs.Admission;
using Fleet.Jobs.Finish;
using Fleet.Jobs.Planning;
using Fleet.Jobs.Progress;
using Fleet.Jobs.Protocol;
using Fleet.Storage.Results;
using Fleet.Storage.Security;
using Fleet.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Fleet.Jobs;

/// <summary>
/// One job, as a table of contents: admission decides whether it may start (<see cref="JobAdmission"/>), the planner
/// turns the listing into shards (<see cref="ShardPlanner"/>), the lease/commit protocol hands them to workers
/// (<see cref="ShardScheduler"/>), and the finisher writes _SUCCESS.json (<see cref="JobFinisher"/>). The grain
/// owns the persisted record and its checkpoints. It only answers calls (workers -> job) and tells the registry
/// one-way, so no call chain can deadlock; a reminder re-activates it after its silo dies, and activation re-opens
/// what is not done.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", FleetStorageNames.GrainStorage)] IPersistentState<JobRecord> state,
    JobAdmission admission,
    ShardPlanner planner,
    JobFinisher finisher,
    ResultStoreFactory results,
    IOptions<JobRunOptions> runOptions,
    JobClock clock,
    IClusterMembershipService membership,
    ILocalSiloDetails siloDetails,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IShardLeaseGrain, IRemindable, IDisposable
{
    private const string KeepAliveReminder = "keep-alive";

    private ShardScheduler? _scheduler;
    private readonly ThroughputWindow _rate = new(clock.Time);
    private JobCheckpoints? _checkpointer;
    private JobCheckpoints _checkpoints => _checkpointer ??= new(WriteCheckpointAsync, clock.Time, Scheduler.Stalled, DeactivateOnIdle, JobId, logger);
    private ShardProgressStore? _progress;
    private IResultStore? _results;
    private CancellationTokenSource? _planning;
    private bool _finishing;
    private bool _deletingManifests;
    private HashSet<string> _deadSilos = [];
    private MembershipVersion _deadSilosAt = MembershipVersion.MinValue;

    private string JobId => this.GetPrimaryKeyString();
    private JobRecord Job => state.State;
    private JobRunOptions Options => runOptions.Value;
    private IJobRegistryGrain Registry => GrainFactory.GetGrain<IJobRegistryGrain>(0);

    /// <summary>Over the record this activation read (a worker's id is its silo's address).</summary>
    private ShardScheduler Scheduler => _scheduler ??= new(clock.Time, Options, Job, siloDetails.SiloAddress.ToString());

    /// <summary>The job's progress segments, beside its record in the same grain storage.</summary>
    private ShardProgressStore ProgressStore => _progress ??=
        new(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(FleetStorageNames.GrainStorage), this.GetGrainId());

    /// <summary>The job's one result store (its output never changes once admitted).</summary>
    private IResultStore Results => _results ??= results.Create(Job.Spec!.Output);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, Options.CheckpointInterval, Options.CheckpointInterval);
        // Segments are written before the record, so every one the record's plan covers is read (never written: empty).
        if (Job.Spec is not null && Job.Restore(await ProgressStore.ReadAsync(Job.ProgressSegmentCount)))
            _checkpoints.Dirty = true;
        if (Job.IsActive)
        {
            logger.LogInformation("Job {JobId} re-activated: {Done}/{Shards} shards done, carrying on", JobId, Job.ShardsDone, Job.ShardCount);
            Scheduler.Reactivated();
            Start().Ignore();
        }
        else if (Job.ManifestsToDelete)
        {
            _ = DeleteManifestsAsync();
        }
    }

    /// <summary>One checkpoint: the progress segments that changed, then the record (whose counters follow them).</summary>
    private async Task WriteCheckpointAsync()
    {
        await ProgressStore.WriteDirtyAsync(Job.Progress);
        await state.WriteStateAsync();
    }

    /// <summary>
    /// A deactivation that is not a crash (the silo scaling in, idle collection) writes what was answered since the
    /// last timer write. Without it a report answered true but not yet written was forgotten: the next activation
    /// waited out the lease, counted a lost worker and ran the shard again (the drill's scale-in scenario).
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Every change marks the record through the checkpointer, so an activation that never made one has nothing to write.
        if (_checkpointer is not { } checkpoints)
            return;
        try
        {
            await checkpoints.DrainAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            // Another activation's record (an etag conflict) or storage down: the next activation re-opens what was not written.
            logger.LogWarning("Job {JobId}: the last checkpoint before deactivating ({Reason}) failed: {Error}", JobId, reason.ReasonCode, SecretRedactor.Text(e.Message));
        }
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

        Job.Admit(spec, admission.CaptionStyleOf(spec), clock.Time.GetUtcNow(), Activity.Current?.Id);
        await StartRunAsync();
        logger.LogInformation("Job {JobId} submitted: {Dataset} -> {Output}", JobId, SecretRedactor.Uri(spec.Dataset), SecretRedactor.Uri(spec.Output));
        return Accepted();
    }

    public async Task<SubmitResult> Resume()
    {
        if (admission.ResumeRefusal(JobId, Job) is { } refused)
            return Rejected(refused);

        Scheduler.Resume();
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
        if (!Job.IsActive || _finishing || await CountLostLeasesAsync() || Scheduler.Lease(workerId) is not { } grant)
            return null;
        // Only a lease whose loss must be counted waits for its write (ShardScheduler.MustPersistFirst); the rest are written behind.
        if (grant.WaitForWrite)
        {
            try
            {
                await _checkpoints.WriteAndWaitAsync();
            }
            catch (Exception e)
            {
                Scheduler.Withdraw(grant.Token);
                logger.LogWarning("Job {JobId}: a lease on shard {Shard} was not handed out, its checkpoint failed: {Error}", JobId, grant.Lease.Shard, SecretRedactor.Text(e.Message));
                return null;
            }
        }
        else
        {
            _checkpoints.WriteBehind();
        }
        return grant.ToShardLease(JobId, Job);
    }

    public async Task<bool> RecordProgress(LeaseToken lease, int item)
    {
        if (!Job.IsActive || !Scheduler.StartImage(lease, item))
            return Refused(lease);
        // Persisted before the worker touches the image: if the worker dies (and this grain with it), the image is known.
        await _checkpoints.WriteAndWaitAsync();
        return true;
    }

    public Task<bool> RenewLease(LeaseToken lease) =>
        Task.FromResult((Job.IsActive && Scheduler.Renew(lease)) || Refused(lease));

    public Task<bool> BeginCommit(LeaseToken lease) =>
        Task.FromResult((Job.IsActive && Scheduler.BeginCommit(lease)) || Refused(lease));

    public async Task<bool> ReportShard(LeaseToken lease, ShardReport report)
    {
        if (!Job.IsActive || !Scheduler.Commit(lease, report))
        {
            logger.LogInformation("Job {JobId} ignored a report for shard {Shard} from a superseded lease", JobId, lease.Shard);
            return Refused(lease);
        }
        _rate.Add(report.Succeeded + report.Failed);
        _checkpoints.Dirty = true;

        await SettleAsync();
        return true;
    }

    public async Task AbandonShard(LeaseToken lease, string reason)
    {
        if (!Job.IsActive || Scheduler.GiveUp(lease) is not { } attempt)
        {
            Refused(lease);
            return;
        }
        _checkpoints.Dirty = true;
        reason = SecretRedactor.Text(reason);
        logger.LogWarning("Job {JobId} shard {Shard} failed (attempt {Attempt}): {Reason}", JobId, lease.Shard, attempt.Attempts, reason);
        if (attempt.Exhausted)
            await StopAsync(JobState.Failed, $"shard {lease.Shard} failed {attempt.Attempts} times: {reason}");
    }

    public Task ReturnShard(LeaseToken lease, string reason)
    {
        // Not an attempt: storage was down or the worker's silo is stopping; neither the shard nor the worker is at fault (IShardLeaseGrain.ReturnShard).
        if (Job.IsActive && Scheduler.Return(lease))
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

    /// <summary>
    /// A call under a lease that is no longer valid: always false. Its holder is alive, so the lease was not lost with
    /// a worker (a slow worker, a pause, a partition, this grain's re-activation: no crash, no poison).
    /// </summary>
    private bool Refused(LeaseToken lease)
    {
        if (Scheduler.Answered(lease))
        {
            _checkpoints.Dirty = true;
            logger.LogInformation("Job {JobId} shard {Shard}: the holder of a lost lease answered; it is not counted as a lost worker", JobId, lease.Shard);
        }
        return false;
    }

    /// <summary>True when the cluster's membership has declared the worker's silo dead: its leases need no more waiting.</summary>
    private bool IsDead(string worker)
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version != _deadSilosAt)
        {
            _deadSilos = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
            _deadSilosAt = snapshot.Version;
        }
        return _deadSilos.Contains(worker);
    }

    /// <summary>Counts lost leases (<see cref="ShardScheduler.CountLosses"/>) and writes them before the job goes on. True when that failed the job.</summary>
    private async Task<bool> CountLostLeasesAsync(bool endLeasesOfDead = false)
    {
        var losses = Scheduler.CountLosses(IsDead, endLeasesOfDead);
        foreach (var lease in losses.Expired)
            logger.LogInformation("Job {JobId} shard {Shard}: the lease of {Worker} expired; the shard goes to another worker", JobId, lease.Shard, lease.Worker);
        foreach (var (loss, nowIsolated) in losses.Lost)
        {
            logger.LogWarning("Job {JobId} shard {Shard}: a worker was lost{Blame}{Isolation}", JobId, loss.Shard,
                loss.Item is { } item ? $" with image {item} in flight" : "", nowIsolated ? "; the shard now runs one image at a time" : "");
        }
        if (losses.Exhausted is { } fatal)
        {
            await StopAsync(JobState.Failed, $"shard {fatal.Shard} lost {fatal.Attempts} workers");
            return true;
        }
        if (losses.Changed)
            await _checkpoints.WriteAndWaitAsync();
        return false;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // Being called is the point: activation re-opened the job (or its manifest deletes). One with neither needs no reminder.
        Job.IsActive || Job.ManifestsToDelete ? Task.CompletedTask : StopKeepAliveAsync();

    public void Dispose()
    {
        _planning?.Cancel();
        _planning?.Dispose();
    }

    // ---- Running ----

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Job.IsActive && await CountLostLeasesAsync(endLeasesOfDead: true))
            return;
        await _checkpoints.FlushAsync();
    }

    private async Task StartRunAsync()
    {
        Job.Started(clock.Time.GetUtcNow());
        await _checkpoints.WriteAndWaitAsync();
        await this.RegisterOrUpdateReminder(KeepAliveReminder, Options.KeepAlivePeriod, Options.KeepAlivePeriod);
        // Awaited: once a submit or resume returns, the registry knows the job, so the API can address it at once.
        await Start();
    }

    /// <summary>Rebuilds the in-memory queue from the persisted plan and carries on planning where it stopped; the task is the registry's.</summary>
    private Task Start()
    {
        Scheduler.Requeue();
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
            // A text manifest is planned by byte ranges at once (no shard manifests); a plan already made is kept.
            if (Job.Plan is null && Job.ShardCount == 0 && await planner.PlanSlicesAsync(Job.Spec!, cancellationToken) is { } slices)
            {
                Job.Plan = slices;
                Job.ShardCount = slices.Shards;
                Job.ImagesTotal = slices.EstimatedImages;
                _checkpoints.Dirty = true;
                // Nothing was planned before, so nothing is leased: the queue is the whole plan at once.
                Scheduler.Requeue();
            }
            if (Job.Plan is null)
            {
                await foreach (var shard in planner.PlanAsync(JobId, Job.Spec!, Job.ShardCount, Job.PlanCheckpoint, cancellationToken))
                {
                    // Manifest first, then the count and checkpoint: a crash in between re-plans (and rewrites) this shard.
                    Job.Planned(shard);
                    _checkpoints.Dirty = true;
                    Scheduler.Enqueue(shard.Shard);
                }
            }
            // Each manifest write was an await at which a cancel or a failure could land: a stopped job stays stopped
            // (its plan so far is kept for a resume).
            if (!Job.IsActive)
                return;
            Job.PlanningComplete = true;
            Job.State = JobState.Running;
            await _checkpoints.WriteAsync();
            logger.LogInformation("Job {JobId} planned: {Images} images in {Shards} shards", JobId, Job.ImagesTotal, Job.ShardCount);
            await SettleAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled or stopped: the checkpoint says where to carry on.
        }
        catch (Exception e) when (!Job.IsActive)
        {
            // Stopped while planning waited (a cancel): the failure changes nothing.
            logger.LogInformation("Job {JobId} stopped while planning; planning ended with {Error}: {Message}", JobId, e.GetType().Name, SecretRedactor.Text(e.Message));
        }
        catch (Exception e)
        {
            logger.LogError("Job {JobId} could not be planned: {Error}: {Message}", JobId, e.GetType().Name, SecretRedactor.Text(e.Message));
            var failure = PlanningFailure.Of(e);
            Job.PlanningComplete = failure.PlanningComplete;
            await StopAsync(JobState.Failed, failure.Reason);
        }
    }

    private async Task FinishAsync()
    {
        if (_finishing || !Job.IsActive)
            return;
        _finishing = true;
        try
        {
            switch (await finisher.FinishAsync(JobId, Job, Results, CancellationToken.None))
            {
                case FinishOutcome.Reopen { Shards: var missing }:
                    Scheduler.Reopen(missing);
                    await _checkpoints.WriteAndWaitAsync();
                    logger.LogWarning("Job {JobId}: {Missing} committed shards have no part in the output (deleted?); re-running them: {Shards}",
                        JobId, missing.Count, string.Join(", ", missing.Take(20)));
                    break;
                case FinishOutcome.Failed { Reason: var reason }:
                    await StopAsync(JobState.Failed, reason);
                    break;
                default:
                    Job.ManifestsToDelete = true;
                    await StopAsync(JobState.Succeeded, reason: null);
                    logger.LogInformation("Job {JobId} succeeded: {Succeeded} labeled, {Failed} failed, {Shards} shards", JobId, Job.ImagesSucceeded, Job.ImagesFailed, Job.ShardCount);
                    _ = DeleteManifestsAsync();
                    break;
            }
        }
        catch (Exception e)
        {
            // The checkpoint that records the outcome failed.
            logger.LogError("Job {JobId} could not write its success marker: {Error}: {Message}", JobId, e.GetType().Name, SecretRedactor.Text(e.Message));
            await StopAsync(JobState.Failed, FinishOutcome.Failed.By(e).Reason);
        }
        finally
        {
            _finishing = false;
        }
    }

    private async Task StopAsync(JobState final, string? reason)
    {
        _planning?.Cancel();
        Scheduler.Stop();
        _rate.Stop();
        Job.Stopped(final, reason, clock.Time.GetUtcNow());
        await _checkpoints.WriteAndWaitAsync();
        Registry.Deactivate(JobId).Ignore();
        // A succeeded job keeps its reminder until its manifests are deleted, so a silo lost meanwhile does not leave them.
        if (!Job.ManifestsToDelete)
            await StopKeepAliveAsync();
    }

    /// <summary>After Succeeded is written, off any call: deletes the shard manifests, then forgets that it must.</summary>
    private async Task DeleteManifestsAsync()
    {
        if (_deletingManifests)
            return;
        _deletingManifests = true;
        try
        {
            if (!await finisher.DeleteManifestsAsync(JobId))
                return;
            Job.ManifestsToDelete = false;
            await _checkpoints.WriteAndWaitAsync();
            await StopKeepAliveAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning("Job {JobId}: recording that its manifests are deleted failed; the next activation deletes again: {Error}", JobId, SecretRedactor.Text(e.Message));
        }
        finally
        {
            _deletingManifests = false;
        }
    }

    private async Task StopKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    /// <summary>Once the plan is complete, after each commit: a job over its error budget fails, one with every shard done finishes.</summary>
    private Task SettleAsync() =>
        !Job.PlanningComplete ? Task.CompletedTask
        : Job.OverErrorBudget ? StopAsync(JobState.Failed, Job.ErrorBudgetReason(JobId, Results.Describe()))
        : Job.AllShardsDone ? FinishAsync()
        : Task.CompletedTask;

    private JobStatus Snapshot() => Job.ToStatus(JobId, Scheduler.LeasedCount, Scheduler.PendingCount, _rate.ImagesPerSecond);

    private SubmitResult Accepted() => new() { Accepted = true, Status = Snapshot() };

    private SubmitResult Rejected(IReadOnlyDictionary<string, string> errors) => new()
    {
        Accepted = false,
        Errors = errors,
        Status = Snapshot() with { Reason = string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")) },
    };
}
