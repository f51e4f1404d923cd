namespace Fleet.Jobs.Planning;

/// <summary>
/// One pass of planning over a job's record: a text manifest by byte ranges at once (<see cref="ManifestSlicePlanner"/>,
/// no shard manifests), anything else listed into shard manifests from where the last pass stopped
/// (<see cref="ShardPlanner"/>). It grows the record's plan and tells the grain of each shard as it becomes leasable;
/// whether the job then runs, stays stopped or fails is its <see cref="PlanningOutcome"/>, which the grain persists.
/// </summary>
public sealed class PlanningRun(ShardPlanner planner, ManifestSlicePlanner slicePlanner)
{
    /// <summary>
    /// Plans what <paramref name="job"/> has not planned yet. <paramref name="sliced"/>: the whole plan was made at once
    /// (byte ranges), every shard is leasable; <paramref name="planned"/>: one more shard's manifest is written.
    /// </summary>
    public async Task<PlanningOutcome> RunAsync(string jobId, JobRecord job, Action sliced, Action<int> planned, CancellationToken cancellationToken)
    {
        try
        {
            // A plan already made is kept: a re-activation carries on leasing it.
            if (job.Plan is null && job.ShardCount == 0 && await slicePlanner.PlanAsync(job.Spec!, cancellationToken) is { } slices)
            {
                job.Sliced(slices);
                sliced();
            }
            if (job.Plan is null)
            {
                await foreach (var shard in planner.PlanAsync(jobId, job.Spec!, job.ShardCount, job.PlanCheckpoint, cancellationToken))
                {
                    // Manifest first, then the count and checkpoint: a crash in between re-plans (and rewrites) this shard.
                    job.Planned(shard);
                    planned(shard.Shard);
                }
            }
            // Each manifest write was an await at which a cancel or a failure could land: a stopped job stays stopped.
            return job.IsActive ? new PlanningOutcome.Complete() : new PlanningOutcome.Interrupted(null);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            return new PlanningOutcome.Interrupted(e);
        }
        catch (Exception e) when (!job.IsActive)
        {
            // Stopped while planning waited (a cancel): the failure changes nothing.
            return new PlanningOutcome.Interrupted(e);
        }
        catch (Exception e)
        {
            return new PlanningOutcome.Failed(PlanningFailure.Of(e), e);
        }
    }
}
