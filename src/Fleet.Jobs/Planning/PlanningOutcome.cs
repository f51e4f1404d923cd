namespace Fleet.Jobs.Planning;

/// <summary>What one planning pass over a job decided (<see cref="PlanningRun.RunAsync"/>); the grain persists it.</summary>
public abstract record PlanningOutcome
{
    private PlanningOutcome()
    {
    }

    /// <summary>Every shard is planned and the job is still active: it runs (and finishes once its shards are done).</summary>
    public sealed record Complete : PlanningOutcome;

    /// <summary>
    /// The job stopped while planning waited (a cancel or a failure landed during a manifest write), or planning was
    /// cancelled: nothing changes; the plan so far is kept for a resume. <see cref="Error"/> is what planning ended with, if anything.
    /// </summary>
    public sealed record Interrupted(Exception? Error) : PlanningOutcome;

    /// <summary>Planning broke: the job fails with <see cref="Failure"/>'s reason.</summary>
    public sealed record Failed(PlanningFailure Failure, Exception Error) : PlanningOutcome;
}
