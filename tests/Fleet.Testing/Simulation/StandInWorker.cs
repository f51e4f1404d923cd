using Fleet.Contracts;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Results;
using Fleet.Storage.Shards;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Testing.Simulation;

/// <summary>
/// A silo's worker without images: per slot it leases (round robin over the registry's active jobs, as the real worker
/// does), "labels" in <see cref="StandInWork.LabelTime"/>, asks for the commit, commits the part through the real result
/// store and reports. No renewals: a shard takes far less than a lease's life here. Killed, it stops between any two steps.
/// </summary>
internal sealed class StandInWorker(IGrainFactory grains, ILocalSiloDetails silo, IShardManifestStore manifests, ManifestSlices slices, ResultStoreFactory results,
    StandInWork work, ILogger<StandInWorker> logger) : BackgroundService
{
    private static readonly ResultModels Models = new("stand-in", null, null);
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan JobListRefresh = TimeSpan.FromSeconds(1);

    private IReadOnlyList<string> _jobs = [];
    private DateTimeOffset _jobsReadAt = DateTimeOffset.MinValue;
    private int _rotation;

    private string WorkerId => silo.SiloAddress.ToString();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, work.SlotsPerSilo).Select(_ => Task.Run(() => SlotAsync(stoppingToken), CancellationToken.None)));

    private async Task SlotAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !work.Killed)
        {
            try
            {
                if (await LeaseAsync() is not { } lease)
                {
                    await Task.Delay(Idle, stop);
                    continue;
                }
                await RunAsync(lease, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A silo stopping, a job grain moving: the lease expires and the shard runs again elsewhere.
                logger.LogDebug(e, "Stand-in worker {Worker}: a call failed", WorkerId);
                await Task.Delay(Idle, CancellationToken.None);
            }
        }
    }

    private async Task<ShardLease?> LeaseAsync()
    {
        if (DateTimeOffset.UtcNow - _jobsReadAt > JobListRefresh)
        {
            _jobs = await grains.GetGrain<IJobRegistryGrain>(0).GetActiveJobs();
            _jobsReadAt = DateTimeOffset.UtcNow;
        }
        for (var i = 0; i < _jobs.Count; i++)
        {
            var jobId = _jobs[(Interlocked.Increment(ref _rotation) + i) % _jobs.Count];
            if (await grains.GetGrain<IShardLeaseGrain>(jobId).LeaseShard(WorkerId) is { } lease)
            {
                work.CountLease(lease.Shard, work.Generation);
                return lease;
            }
        }
        return null;
    }

    private async Task RunAsync(ShardLease lease, CancellationToken stop)
    {
        var job = grains.GetGrain<IShardLeaseGrain>(lease.JobId);
        var generation = work.Generation;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (work.LabelTime > TimeSpan.Zero)
            await Task.Delay(work.LabelTime, stop);
        // As the real worker (ShardProcessor): a text manifest's shard is its byte range of the manifest itself.
        var items = lease.Slice is { } slice
            ? await slices.ReadShardAsync(lease.Spec.Dataset, new SliceBounds(slice.Start, slice.End, slice.Version, slice.DataStart), stop)
            : await manifests.ReadAsync(lease.JobId, lease.Shard, stop);
        if (work.Killed)
            return;
        if (!await job.BeginCommit(lease.Token))
        {
            work.CountRefusal();
            return;
        }
        IReadOnlyList<ResultRow> rows = work.WriteRows
            ? [.. items.Select(item => new ResultRow { Uri = item.Uri, Labels = [new ResultLabel("stand-in", 0, 1f)], Model = Models, Shard = lease.Shard })]
            : [];
        var staged = await results.Create(lease.Spec.Output).StageShardAsync(lease.JobId, lease.Shard, lease.LeaseId, rows, [], ResultPartFormats.For(lease.Spec.Format), stop);
        if (work.Killed)
            return;
        await staged.CommitAsync(stop);
        if (work.Killed)
            return;
        if (await job.ReportShard(lease.Token, new ShardReport(items.Count, 0) { Seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds }))
            work.CountCommit(lease.JobId, lease.Shard, items.Count, generation);
    }
}
