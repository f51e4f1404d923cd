using Fleet.Contracts;
using Fleet.Jobs.Finish;
using Fleet.Storage.Security;
using Microsoft.Extensions.Logging;

namespace Fleet.Jobs;

/// <summary>How a job ends: the finisher's outcome, a stop (cancelled, failed, succeeded), the manifest deletes after success, and the keep-alive reminder.</summary>
public sealed partial class JobGrain
{
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
                    // A full segment is read, and the record written without it, before any of its shards re-opens.
                    if (await ProgressStore.LoadAsync(Job, missing))
                        await _checkpoints.WriteAndWaitAsync();
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

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // Being called is the point: activation re-opened the job (or its manifest deletes). One with neither needs no reminder.
        Job.IsActive || Job.ManifestsToDelete ? Task.CompletedTask : StopKeepAliveAsync();
}
