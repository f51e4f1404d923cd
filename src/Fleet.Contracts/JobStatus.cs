namespace Fleet.Contracts;

/// <summary>A snapshot of a job's progress; counts are images unless named shards.</summary>
[GenerateSerializer, Alias("fleet.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public JobSpec? Spec { get; init; }
    /// <summary>Images listed so far; final once <see cref="PlanningComplete"/> unless <see cref="ImagesTotalEstimated"/>.</summary>
    [Id(3)] public long ImagesTotal { get; init; }
    [Id(4)] public long ImagesSucceeded { get; init; }
    [Id(5)] public long ImagesFailed { get; init; }
    [Id(6)] public int ShardsTotal { get; init; }
    [Id(7)] public int ShardsDone { get; init; }
    [Id(8)] public bool PlanningComplete { get; init; }
    [Id(9)] public DateTimeOffset? StartedAt { get; init; }
    [Id(10)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Why the job failed or was rejected; null otherwise.</summary>
    [Id(11)] public string? Reason { get; init; }
    /// <summary>Images per second over the current run (since the last start or resume).</summary>
    [Id(12)] public double ImagesPerSecond { get; init; }
    [Id(13)] public int ShardsLeased { get; init; }
    [Id(14)] public int ShardsPending { get; init; }
    /// <summary>Estimated time left at the current rate; null while planning or when nothing has been committed yet.</summary>
    [Id(15)] public TimeSpan? Eta { get; init; }

    /// <summary>
    /// True while <see cref="ImagesTotal"/> is an estimate: a large text manifest planned by byte ranges counts its images
    /// as its shards are read (done shards exactly, the rest from the manifest's size and average line length).
    /// </summary>
    [Id(16)] public bool ImagesTotalEstimated { get; init; }

    public long ImagesDone => ImagesSucceeded + ImagesFailed;
}
