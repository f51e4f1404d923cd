using Fleet.Contracts;
using Fleet.Jobs.Progress;
using Orleans.Storage;

namespace Fleet.Jobs.Tests.Progress;

/// <summary>
/// One job's record and progress segments in an in-memory grain storage, the record kept as the blob grain storage's
/// serializer keeps it, with what the job grain does to them: admit, activate (the record, then the progress it needs)
/// and checkpoint (segments and record, <see cref="ShardProgressStore.CheckpointAsync"/>).
/// </summary>
internal sealed class StoredJob(GrainId grain, int shardSize)
{
    private static readonly Lazy<IGrainStorageSerializer> Serializer = new(OldJobRecordsInBlobGrainStorageTests.BlobStorageSerializer);

    private string? _recordETag;

    public DictionaryGrainStorage Storage { get; } = new();

    /// <summary>A job admitted and written, as the grain's first checkpoint does: its first activation read no progress.</summary>
    public async Task<(JobRecord Job, ShardProgressStore Store)> AdmitAsync(int shards)
    {
        var job = new JobRecord
        {
            Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = shardSize },
            State = JobState.Running,
            ShardCount = shards,
            ImagesTotal = (long)shards * shardSize,
            PlanningComplete = true,
            ProgressInSegments = true,
            SegmentsNamed = 0,
        };
        await WriteRecordAsync(job);
        return (job, new ShardProgressStore(Storage, grain));
    }

    /// <summary>What the job grain's activation does: the record, then the progress it needs.</summary>
    public async Task<(JobRecord Job, ShardProgressStore Store)> ActivateAsync()
    {
        var job = await ReadRecordAsync();
        var store = new ShardProgressStore(Storage, grain);
        job.Restore(await store.ReadAsync(job));
        return (job, store);
    }

    public Task CheckpointAsync(JobRecord job, ShardProgressStore store) => store.CheckpointAsync(job, () => WriteRecordAsync(job));

    /// <summary>Stores what the serializer keeps of the record (serialized now: later changes do not reach storage).</summary>
    public async Task WriteRecordAsync(JobRecord job)
    {
        var state = new GrainState<JobRecord>(RoundTrip(job), _recordETag);
        await Storage.WriteStateAsync("job", grain, state);
        _recordETag = state.ETag;
    }

    public async Task<JobRecord> ReadRecordAsync()
    {
        var state = new GrainState<JobRecord>(new JobRecord());
        await Storage.ReadStateAsync("job", grain, state);
        _recordETag = state.ETag;
        return RoundTrip(state.State!);
    }

    private static JobRecord RoundTrip(JobRecord job) => Serializer.Value.Deserialize<JobRecord>(Serializer.Value.Serialize(job))!;
}
