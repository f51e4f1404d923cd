using System.Text.Json;
using Fleet.Bench.Infrastructure;
using Fleet.Contracts;
using Fleet.Jobs;
using Fleet.Jobs.Progress;
using Orleans.Storage;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `checkpoint-bytes`: the bytes a job's checkpoints write per second at a given commit rate, for jobs of different
/// sizes, through the job's real checkpoint types (JobRecord, ShardProgress, ShardProgressStore) into a storage that
/// only weighs what it is given (System.Text.Json, as a JSON grain storage would write it). Each job starts half done
/// with 0.5 % of its shards holding error rows; commits then land in lease order (the lease cursor), one checkpoint a
/// second (Fleet:Jobs:CheckpointInterval). Beside it, the record as it was before segments (one bitmap and the failed
/// shards' dictionary in the record, rewritten whole at each checkpoint), weighed the same way.
/// </summary>
internal static class CheckpointBytesScenario
{
    private const double FailingShards = 0.005;

    public static async Task<object> RunAsync(int runs, int seconds, int commitsPerSecond, int[] jobSizes)
    {
        var sizes = new List<object>();
        foreach (var shards in jobSizes)
        {
            var segmented = new List<double>();
            var whole = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var (segmentBytes, wholeBytes) = await RunOnceAsync(shards, seconds, commitsPerSecond, seed: run);
                segmented.Add(segmentBytes / seconds);
                whole.Add(wholeBytes / seconds);
                JsonLine.Progress($"{shards:N0} shards, run {run}: {segmentBytes / seconds:N0} B/s in segments, {wholeBytes / seconds:N0} B/s for the whole record");
            }
            sizes.Add(new { shards, segmentedBytesPerSecond = Spread.Of(segmented), wholeRecordBytesPerSecond = Spread.Of(whole) });
        }
        return new
        {
            scenario = "checkpoint-bytes",
            runs,
            seconds,
            commitsPerSecond,
            serializer = "System.Text.Json",
            jobs = sizes,
        };
    }

    private static async Task<(double Segmented, double Whole)> RunOnceAsync(int shards, int seconds, int commitsPerSecond, int seed)
    {
        var random = new Random(seed);
        var job = BenchJobRecord.Running(shards);
        var storage = new WeighingGrainStorage();
        var store = new ShardProgressStore(storage, GrainId.Create("job", $"bench-{shards}"));
        job.Restore(await store.ReadAsync(job.ProgressSegmentCount));
        var next = 0;
        for (; next < shards / 2; next++)
            Commit(job, next, random);
        await store.WriteDirtyAsync(job.Progress);
        storage.Bytes = 0;

        double whole = 0;
        for (var second = 0; second < seconds; second++)
        {
            for (var i = 0; i < commitsPerSecond && next < shards; i++, next++)
                Commit(job, next, random);
            await store.WriteDirtyAsync(job.Progress);
            storage.Weigh(job);
            whole += Weight(WholeRecord(job));
        }
        return (storage.Bytes, whole);
    }

    private static void Commit(JobRecord job, int shard, Random random)
    {
        var failed = random.NextDouble() < FailingShards ? random.Next(1, 4) : 0;
        job.MarkShardDone(shard, new ShardReport(64 - failed, failed));
    }

    /// <summary>The record as older code kept it: the whole bitmap and every failed shard's count in the one object.</summary>
    private static JobRecord WholeRecord(JobRecord job)
    {
        var done = new byte[(job.ShardCount + 7) / 8];
        for (var shard = 0; shard < job.ShardCount; shard++)
        {
            if (job.IsShardDone(shard))
                done[shard / 8] |= (byte)(1 << (shard % 8));
        }
        return new JobRecord
        {
            Spec = job.Spec,
            State = job.State,
            ShardCount = job.ShardCount,
            ImagesTotal = job.ImagesTotal,
            PlanningComplete = true,
            ShardsDone = job.ShardsDone,
            ImagesSucceeded = job.ImagesSucceeded,
            ImagesFailed = job.ImagesFailed,
            DoneShards = done,
            FailedByShard = job.Progress.ShardsWithFailures().ToDictionary(s => s, job.Progress.FailedImages),
        };
    }

    private static long Weight(object state) => JsonSerializer.SerializeToUtf8Bytes(state, state.GetType()).LongLength;

    /// <summary>Grain storage that keeps nothing and counts the serialized bytes of every write.</summary>
    private sealed class WeighingGrainStorage : IGrainStorage
    {
        public double Bytes { get; set; }

        public void Weigh(object state) => Bytes += Weight(state);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Weigh(grainState.State!);
            grainState.ETag = Guid.NewGuid().ToString("N");
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }
}
