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
/// One job, as a table of contents: admission decides whether it may start (<see cref="JobAdmission"/>), a planning run
/// turns the listing into shards (<see cref="PlanningRun"/>), the scheduler decides every lease and commit
/// (<see cref="ShardScheduler"/>, in <c>JobGrain.Workers.cs</c>), and the finisher writes _SUCCESS.json
/// (<see cref="JobFinisher"/>, in <c>JobGrain.Ending.cs</c>). Each method reads guard, decide, persist: the decision
/// types hold the rules, the grain owns the persisted record and its checkpoints (<see cref="JobCheckpoints"/>). It
/// only answers calls (workers -> job) and tells the registry one-way, so no call chain can deadlock; a reminder
/// re-activates it after its silo dies, and activation re-opens what is not done.
/// </summary>
public sealed partial class JobGrain(
    [PersistentState("job", FleetStorageNames.GrainStorage)] IPersistentState<JobRecord> state,
    JobAdmission admission,
    PlanningRun planning,
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
    private readonly DeadSilos _deadSilos = new(membership);

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
        // Only what it needs: the segments the record names but the full ones (ShardProgressStore.ReadAsync).
        if (Job.Spec is not null && Job.Restore(await ProgressStore.ReadAsync(Job)))
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
    private Task WriteCheckpointAsync() => ProgressStore.CheckpointAsync(Job, () => state.WriteStateAsync());

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

        // The full segments with failed images are read, and the record written without them, before they re-open.
        if (await ProgressStore.LoadFailuresAsync(Job))
            await _checkpoints.WriteAndWaitAsync();
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

    public void Dispose()
    {
        _planning?.Cancel();
        _planning?.Dispose();
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

    /// <summary>Runs on the grain's scheduler (I/O only); each shard is leasable as soon as the planning run hands it over.</summary>
    private async Task PlanAsync(CancellationToken cancellationToken)
    {
        using var activity = FleetTelemetry.StartJobActivity("plan", Job.TraceParent);
        activity?.SetTag("fleet.job", JobId);
        switch (await planning.RunAsync(JobId, Job, Sliced, Planned, cancellationToken))
        {
            // Checked again here: the pass's last look and this turn need not be one turn.
            case PlanningOutcome.Complete when Job.IsActive:
                Job.PlanningDone();
                await _checkpoints.WriteAsync();
                logger.LogInformation("Job {JobId} planned: {Images} images in {Shards} shards", JobId, Job.ImagesTotal, Job.ShardCount);
                await SettleAsync();
                break;
            case PlanningOutcome.Interrupted { Error: { } error } when error is not OperationCanceledException:
                logger.LogInformation("Job {JobId} stopped while planning; planning ended with {Error}: {Message}", JobId, error.GetType().Name, SecretRedactor.Text(error.Message));
                break;
            case PlanningOutcome.Failed { Failure: var failure, Error: var error }:
                logger.LogError("Job {JobId} could not be planned: {Error}: {Message}", JobId, error.GetType().Name, SecretRedactor.Text(error.Message));
                Job.PlanningComplete = failure.PlanningComplete;
                await StopAsync(JobState.Failed, failure.Reason);
                break;
        }

        void Sliced()
        {
            _checkpoints.Dirty = true;
            // Nothing was planned before, so nothing is leased: the queue is the whole plan at once.
            Scheduler.Requeue();
        }

        void Planned(int shard)
        {
            _checkpoints.Dirty = true;
            Scheduler.Enqueue(shard);
        }
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
