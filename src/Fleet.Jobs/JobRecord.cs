using Fleet.Contracts;
using Fleet.Jobs.Finish;
using Fleet.Jobs.Progress;
using Fleet.Jobs.Protocol;
using Fleet.Storage.Security;

namespace Fleet.Jobs;

/// <summary>
/// What a job persists: its spec, the planning checkpoint and counters. Which shards are done (and the sparse counts of
/// shards in trouble) is <see cref="Progress"/>, persisted in segments of its own (<see cref="ShardProgressStore"/>),
/// so this record stays the same size whatever the job's size and a checkpoint writes only what changed. Of the leases,
/// only which are out (and which were lost) is persisted, so that losses are counted across re-activations.
/// </summary>
[GenerateSerializer, Alias("fleet.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    /// <summary>Shards whose manifests are written (the plan so far).</summary>
    [Id(2)] public int ShardCount { get; set; }
    [Id(3)] public bool PlanningComplete { get; set; }
    [Id(4)] public long ImagesTotal { get; set; }
    /// <summary>Done shards as records before <see cref="ProgressInSegments"/> kept them: read only to migrate them.</summary>
    [Id(5)] public byte[] DoneShards { get; set; } = [];
    [Id(6)] public long ImagesSucceeded { get; set; }
    [Id(7)] public long ImagesFailed { get; set; }
    [Id(8)] public DateTimeOffset? CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset? StartedAt { get; set; }
    [Id(10)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(11)] public string? Reason { get; set; }
    [Id(12)] public int ShardsDone { get; set; }
    /// <summary>The dataset listing's checkpoint after the last planned shard: planning resumes after it.</summary>
    [Id(13)] public string? PlanCheckpoint { get; set; }
    /// <summary>Failed-image counts by shard as records before <see cref="ProgressInSegments"/> kept them: read only to migrate them.</summary>
    [Id(14)] public Dictionary<int, int> FailedByShard { get; set; } = [];

    /// <summary>Failed attempts by shard as records before <see cref="ProgressInSegments"/> kept them: read only to migrate them.</summary>
    [Id(15)] public Dictionary<int, int> Attempts { get; set; } = [];

    /// <summary>Shards that run one image at a time to find an image that stops workers (<see cref="ShardIsolation"/>).</summary>
    [Id(16)] public Dictionary<int, ShardIsolation> Isolated { get; set; } = [];

    /// <summary>Leases out and leases lost without their workers (<see cref="LeaseLedger"/>).</summary>
    [Id(17)] public LeaseLedger Leases { get; set; } = new();

    /// <summary>Which classifiers committed shards, on which provider (a few entries: one per kind of silo).</summary>
    [Id(18)] public List<ClassifierRun> ClassifierRuns { get; set; } = [];
    /// <summary>What writes this job's captions (<see cref="Admission.CaptionStyle"/>); null without captions or from before it was kept.</summary>
    [Id(19)] public string? CaptionStyle { get; set; }
    /// <summary>
    /// The W3C traceparent of the call that submitted (or last resumed) the job: planning and every shard lease carry
    /// it, so one job is one trace from POST /jobs to its last part. Null when nothing traced the call.
    /// </summary>
    [Id(20)] public string? TraceParent { get; set; }

    /// <summary>
    /// True when the job's progress is in segment entries (<see cref="ShardProgressStore"/>); false for a record written
    /// by older code, whose bitmap and per-shard dictionaries are migrated on activation (<see cref="MigrateProgress"/>).
    /// </summary>
    [Id(21)] public bool ProgressInSegments { get; set; }

    /// <summary>A succeeded job whose shard manifests are not yet all deleted: the deletes run after the state says Succeeded.</summary>
    [Id(22)] public bool ManifestsToDelete { get; set; }

    /// <summary>Done shards and the counts of shards in trouble; not part of this record (internal: no storage serializer writes it).</summary>
    internal ShardProgress Progress
    {
        get => _progress;
        set
        {
            _progress = value;
            // The progress adds to the record's own set: a segment written full is full in the record written next.
            value.Full = _fullSegments;
            // Derived from the done bits: counted again from the new progress when next asked.
            _planBytesDone = null;
        }
    }

    [NonSerialized] private ShardProgress _progress = new();
    [NonSerialized] private FullSegments _fullSegments = new();

    public JobRecord() => _progress.Full = _fullSegments;

    /// <summary>How many segments hold the progress of the planned shards.</summary>
    public int ProgressSegmentCount => (ShardCount + ProgressSegment.Shards - 1) / ProgressSegment.Shards;

    /// <summary>A text manifest planned by byte ranges (<see cref="Planning.ManifestPlan"/>); null for a plan of shard manifests.</summary>
    [Id(23)] public Planning.ManifestPlan? Plan { get; set; }

    /// <summary>
    /// Progress segments whose every shard is done with no failure, as they were written: an activation does not read
    /// them (<see cref="ShardProgressStore.ReadAsync(JobRecord)"/>). One leaves this set in a record written before it
    /// changes (<see cref="ShardProgressStore.LoadAsync"/>).
    /// </summary>
    [Id(24)]
    public FullSegments FullSegments
    {
        get => _fullSegments;
        set
        {
            _fullSegments = value;
            _progress.Full = value;
        }
    }

    /// <summary>
    /// Segments 0 to this - 1 are the only ones that may be stored: each is named in a record written before its first
    /// write (<see cref="ShardProgressStore.CheckpointAsync"/>), so an activation reads no segment never written (each a
    /// round trip for nothing). Null in a record from before it was kept: every segment of the plan is read.
    /// </summary>
    [Id(25)] public int? SegmentsNamed { get; set; }

    public bool IsActive => State is JobState.Planning or JobState.Running;

    /// <summary>
    /// The slice bytes of the done shards of a byte-range plan, what its image estimate goes by: counted from the done
    /// bits once per activation (never persisted, so never out of step with them), then kept as shards finish.
    /// </summary>
    private long PlanBytesDone => _planBytesDone ??= Plan is { Exact: false } plan
        ? Enumerable.Range(0, ShardCount).Where(IsShardDone).Sum(shard => plan.BytesOf(shard))
        : 0;

    [NonSerialized] private long? _planBytesDone;

    /// <summary>Names every segment of <paramref name="dirty"/> (sorted) in this record; true when that named more, and the record must be written before them.</summary>
    public bool NameSegments(IReadOnlyCollection<int> dirty)
    {
        if (SegmentsNamed is not { } named || dirty.Count == 0 || dirty.Max() < named)
            return false;
        SegmentsNamed = dirty.Max() + 1;
        return true;
    }

    /// <summary>The manifest of <paramref name="shard"/> is written: the plan grows by it and resumes after it.</summary>
    public void Planned(Planning.PlannedShard shard)
    {
        ShardCount++;
        ImagesTotal += shard.Images;
        PlanCheckpoint = shard.Checkpoint;
    }

    /// <summary>A text manifest planned by byte ranges at once: the whole plan, nothing leased before it.</summary>
    public void Sliced(Planning.ManifestPlan plan)
    {
        Plan = plan;
        ShardCount = plan.Shards;
        ImagesTotal = plan.EstimatedImages;
    }

    /// <summary>Every shard is planned (and the job is still active): it runs.</summary>
    public void PlanningDone()
    {
        PlanningComplete = true;
        State = JobState.Running;
    }

    /// <summary>An admitted job: it plans first.</summary>
    public void Admit(JobSpec spec, string? captionStyle, DateTimeOffset now, string? traceParent)
    {
        Spec = spec;
        CaptionStyle = captionStyle;
        CreatedAt = now;
        TraceParent = traceParent;
        State = JobState.Planning;
        ProgressInSegments = true;
        SegmentsNamed = 0;
    }

    /// <summary>
    /// Takes the progress read from its segments (<paramref name="stored"/>): the counters follow the segments, which are
    /// written before this record. A record from older code moves its own bitmap and dictionaries into segments instead
    /// (replacing what a migration that crashed before its record was written may have stored) and drops them.
    /// </summary>
    /// <returns>True when the progress changed and must be written.</returns>
    public bool Restore(ShardProgress stored)
    {
        // A record from before segments were named read every segment of its plan: from here on, later ones are named.
        SegmentsNamed ??= Math.Max(ProgressSegmentCount, stored.SegmentCount);
        if (!ProgressInSegments)
            return MigrateProgress(stored);
        Progress = stored;
        ShardsDone = stored.ShardsDone;
        ImagesSucceeded = stored.ImagesSucceeded;
        ImagesFailed = stored.ImagesFailed;
        return false;
    }

    private bool MigrateProgress(ShardProgress stored)
    {
        var migrated = ShardProgress.FromRecord(DoneShards, FailedByShard, Attempts, ImagesInShard);
        // Every segment the old entries left behind is rewritten (an earlier migration's, if it got that far).
        for (var i = 0; i < stored.SegmentCount; i++)
            migrated.MarkDirty(i);
        Progress = migrated;
        DoneShards = [];
        FailedByShard = [];
        Attempts = [];
        ProgressInSegments = true;
        return true;
    }

    /// <summary>A run starts (a submit or a resume): it has not finished, and nothing stopped it yet.</summary>
    public void Started(DateTimeOffset now)
    {
        StartedAt = now;
        FinishedAt = null;
        Reason = null;
    }

    /// <summary>The run ended in <paramref name="final"/> (Succeeded, Failed, Cancelled), for <paramref name="reason"/>.</summary>
    public void Stopped(JobState final, string? reason, DateTimeOffset now)
    {
        State = final;
        Reason = reason;
        FinishedAt = now;
    }

    /// <summary>The reason a job over its error budget fails, and where its error rows are.</summary>
    public string ErrorBudgetReason(string jobId, string output) =>
        $"{ImagesFailed} of {ImagesTotal} images failed ({FailedFraction:P1}), over the error budget of {Spec!.MaxFailedFraction:P1}; " +
        $"see {output}/{jobId}/errors/";

    public bool AllShardsDone => PlanningComplete && ShardsDone == ShardCount;

    public bool IsShardDone(int shard) => Progress.IsDone(shard);

    public void MarkShardDone(int shard, ShardReport report)
    {
        if (!Progress.MarkDone(shard, report.Succeeded, report.Failed))
            return;
        ShardsDone++;
        Isolated.Remove(shard);
        Leases.ShardDone(shard);
        ImagesSucceeded += report.Succeeded;
        ImagesFailed += report.Failed;
        if (report.Classifier is { } classifier && !ClassifierRuns.Contains(new ClassifierRun(classifier, report.Provider)))
            ClassifierRuns.Add(new ClassifierRun(classifier, report.Provider));
        if (Plan is { } plan)
        {
            plan.Committed(shard, report);
            if (_planBytesDone is { } bytes)
                _planBytesDone = bytes + plan.BytesOf(shard);
            ImagesTotal = plan.ImagesTotal(ImagesSucceeded + ImagesFailed, ShardsDone, PlanBytesDone);
        }
    }

    /// <summary>Makes a done shard runnable again, taking its images back out of the counters.</summary>
    public void ReopenShard(int shard)
    {
        if (Spec is null)
            return;
        var failed = Progress.FailedImages(shard);
        if (!Progress.Reopen(shard, ImagesInShard(shard)))
            return;
        ShardsDone--;
        ImagesFailed -= failed;
        ImagesSucceeded -= ImagesInShard(shard) - failed;
        if (Plan is { } plan)
        {
            plan.ImagesByShard.Remove(shard);
            if (_planBytesDone is { } bytes)
                _planBytesDone = bytes - plan.BytesOf(shard);
            ImagesTotal = plan.ImagesTotal(ImagesSucceeded + ImagesFailed, ShardsDone, PlanBytesDone);
        }
    }

    /// <summary>The fraction of all listed images that ended as error rows.</summary>
    public double FailedFraction => ImagesTotal == 0 ? 0 : (double)ImagesFailed / ImagesTotal;

    /// <summary>True when more images failed than the spec's error budget allows.</summary>
    public bool OverErrorBudget => FailedFraction > Spec!.MaxFailedFraction;

    /// <summary>The status users read: this record plus what only the running grain knows (leases, rate).</summary>
    public JobStatus ToStatus(string jobId, int shardsLeased, int shardsPending, double imagesPerSecond) => new()
    {
        JobId = jobId,
        State = Spec is null ? JobState.NotFound : State,
        // Status leaves the job (API, events, CLI): its URIs without SAS tokens.
        Spec = Spec is null ? null : Spec with { Dataset = SecretRedactor.Uri(Spec.Dataset), Output = SecretRedactor.Uri(Spec.Output) },
        ImagesTotal = ImagesTotal,
        ImagesTotalEstimated = Plan is { Exact: false } && ShardsDone < ShardCount,
        ImagesSucceeded = ImagesSucceeded,
        ImagesFailed = ImagesFailed,
        ShardsTotal = ShardCount,
        ShardsDone = ShardsDone,
        ShardsLeased = shardsLeased,
        ShardsPending = IsActive ? shardsPending : 0,
        PlanningComplete = PlanningComplete,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        Reason = Reason,
        ImagesPerSecond = imagesPerSecond,
        Eta = IsActive && PlanningComplete && imagesPerSecond > 0
            ? TimeSpan.FromSeconds((ImagesTotal - ImagesSucceeded - ImagesFailed) / imagesPerSecond)
            : null,
    };

    /// <summary>Every shard but the last is full.</summary>
    public long ImagesInShard(int shard) =>
        Plan?.ImagesIn(shard) is { } sliced ? sliced
        : shard < ShardCount - 1 || !PlanningComplete ? Spec!.ShardSize : ImagesTotal - (long)Spec!.ShardSize * (ShardCount - 1);
}
