using System.Text.Json;
using Fleet.Bench.Infrastructure;
using Fleet.Contracts;
using Fleet.Jobs;
using Fleet.Jobs.Progress;
using Orleans.Storage;

namespace Fleet.Bench.Scenarios;

/// <summary>
/// `resume-reads`: what a re-activation reads of a job killed at --done of its shards, by job size, through the job's
/// real checkpoint types (JobRecord, ShardProgress, ShardProgressStore) into a storage that keeps what it is given and
/// weighs it as System.Text.Json (as a JSON grain storage writes it). Shards commit in lease order; --failing of them
/// hold error rows (a segment with any is never full). Beside it, what the activation before full segments read (every
/// segment of the plan, written or not). Deterministic: one run per size.
/// </summary>
internal static class ResumeReadsScenario
{
    public static async Task<object> RunAsync(int[] jobSizes, double done, double failing)
    {
        var sizes = new List<object>();
        foreach (var shards in jobSizes)
        {
            var random = new Random(shards);
            var job = BenchJobRecord.Running(shards);
            var storage = new KeepingGrainStorage();
            var grain = GrainId.Create("job", $"bench-{shards}");
            var store = new ShardProgressStore(storage, grain);
            var record = new GrainState<JobRecord>(job);
            var committed = (int)(shards * done);
            for (var shard = 0; shard < committed; shard++)
            {
                var failed = random.NextDouble() < failing ? random.Next(1, 4) : 0;
                job.MarkShardDone(shard, new ShardReport(64 - failed, failed));
                // A checkpoint a segment's worth of commits, as the timer's would land along the way.
                if ((shard + 1) % ProgressSegment.Shards == 0)
                    await store.CheckpointAsync(job, () => storage.WriteStateAsync("job", grain, record));
            }
            await store.CheckpointAsync(job, () => storage.WriteStateAsync("job", grain, record));
            var stored = storage.StoredBytes;

            // Re-activation: the record, then what it needs of the progress.
            storage.ResetReads();
            await storage.ReadStateAsync("job", grain, new GrainState<JobRecord>(new JobRecord()));
            var again = new ShardProgressStore(storage, grain);
            var progress = await again.ReadAsync(job);
            var (reads, readBytes) = (storage.Reads, storage.ReadBytes);
            if (progress.ShardsDone != committed)
                throw new InvalidOperationException($"re-activation counted {progress.ShardsDone} shards done of {committed}");

            // Before full segments and named segments: every segment of the plan.
            storage.ResetReads();
            await storage.ReadStateAsync("job", grain, new GrainState<JobRecord>(new JobRecord()));
            await new ShardProgressStore(storage, grain).ReadAsync(job.ProgressSegmentCount);
            var (readsBefore, readBytesBefore) = (storage.Reads, storage.ReadBytes);

            JsonLine.Progress($"{shards:N0} shards, {done:P0} done: {readBytes:N0} of {stored:N0} bytes read ({readBytes / (double)stored:P2}) in {reads} reads; " +
                $"before: {readBytesBefore:N0} bytes ({readBytesBefore / (double)stored:P2}) in {readsBefore} reads");
            sizes.Add(new
            {
                shards,
                images = shards * 64L,
                segmentsPlanned = job.ProgressSegmentCount,
                segmentsStored = storage.Entries - 1,
                fullSegments = job.FullSegments.CountSegments(),
                recordBytes = storage.BytesOf("job"),
                stateBytesStored = stored,
                stateBytesRead = readBytes,
                stateReadFraction = Math.Round(readBytes / (double)stored, 5),
                progressReadFraction = Math.Round((readBytes - storage.BytesOf("job")) / (double)(stored - storage.BytesOf("job")), 5),
                reads,
                before = new { stateBytesRead = readBytesBefore, stateReadFraction = Math.Round(readBytesBefore / (double)stored, 5), reads = readsBefore },
            });
        }
        return new
        {
            scenario = "resume-reads",
            done,
            failing,
            shardSize = 64,
            serializer = "System.Text.Json",
            note = "state: the job's record and progress segments only (a cluster also reads its registry and output claim, ~1 KB)",
            jobs = sizes,
        };
    }

    private static long Weight<T>(T state) => JsonSerializer.SerializeToUtf8Bytes(state).LongLength;

    /// <summary>Grain storage that keeps the latest state of each entry with its JSON weight and counts reads.</summary>
    private sealed class KeepingGrainStorage : IGrainStorage
    {
        private readonly Dictionary<string, (object State, long Bytes, string ETag)> _entries = [];

        public long Reads { get; private set; }
        public long ReadBytes { get; private set; }
        public long StoredBytes => _entries.Values.Sum(e => e.Bytes);
        public int Entries => _entries.Count;

        public long BytesOf(string stateName) => _entries.TryGetValue(stateName, out var entry) ? entry.Bytes : 0;

        public void ResetReads() => (Reads, ReadBytes) = (0, 0);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Reads++;
            if (_entries.TryGetValue(stateName, out var entry))
            {
                ReadBytes += entry.Bytes;
                grainState.State = (T)(entry.State is ProgressSegment segment ? segment.Copy() : entry.State);
                grainState.ETag = entry.ETag;
                grainState.RecordExists = true;
            }
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.ETag = Guid.NewGuid().ToString("N");
            _entries[stateName] = (grainState.State!, Weight(grainState.State), grainState.ETag);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }
}
