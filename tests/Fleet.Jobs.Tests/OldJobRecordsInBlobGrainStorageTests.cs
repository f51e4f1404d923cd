using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Fleet.Contracts;
using Fleet.Jobs.Planning;
using Fleet.Jobs.Progress;
using Fleet.Jobs.Tests.Progress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Fleet.Jobs.Tests;

/// <summary>
/// Job records as the silo stores them: through the serializer Orleans' Azure blob grain storage uses when nothing
/// names one (the silo's, see SiloHostingExtensions.AddFleetSilo), which is JSON. A record written before
/// <see cref="ManifestPlan.Steps"/>, <see cref="ManifestPlan.LeaseLimit"/>, <see cref="ManifestPlan.MaxShards"/>,
/// <see cref="JobRecord.FullSegments"/> and <see cref="JobRecord.SegmentsNamed"/> existed lacks those members: it must
/// read as a plan never resized (and never to be) and an activation that reads every segment the old code read.
/// </summary>
public sealed class OldJobRecordsInBlobGrainStorageTests
{
    private const int Segment = ProgressSegment.Shards;
    private static readonly GrainId Grain = GrainId.Create("job", "old-record");

    /// <summary>The serializer the blob grain storage of a silo built as Fleet builds it resolves (the host is built, never started).</summary>
    internal static IGrainStorageSerializer BlobStorageSerializer()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.AddAzureBlobGrainStorage(FleetStorageNames.GrainStorage, o => o.BlobServiceClient = new BlobServiceClient("UseDevelopmentStorage=true"));
        });
        using var host = builder.Build();
        var serializer = host.Services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(FleetStorageNames.GrainStorage).GrainStorageSerializer;
        // What the stripping below assumes: the provider's default is the JSON serializer.
        Assert.IsType<JsonGrainStorageSerializer>(serializer);
        return serializer;
    }

    private static ManifestPlan Plan(int shards) => new()
    {
        Version = "v1",
        DataStart = 12,
        SliceBytes = 1_000,
        Size = 12 + shards * 1_000L - 300,
        Shards = shards,
        EstimatedImages = shards * 20L,
    };

    private static void Remove(JsonNode? node, string member)
    {
        var obj = Assert.IsType<JsonObject>(node);
        Assert.True(obj.Remove(member), $"the stored JSON has no {member}: {obj.ToJsonString()}");
    }

    [Fact]
    public async Task A_record_stored_without_the_new_members_reads_as_never_resized_with_no_full_segments_and_every_segment_read()
    {
        var serializer = BlobStorageSerializer();
        var storage = new DictionaryGrainStorage();

        // What the earlier code stored: progress in segments 0 (full) and 2 (one shard done), segment 1 never written.
        var shards = 3 * Segment;
        var job = new JobRecord
        {
            Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 20 },
            State = JobState.Running,
            PlanningComplete = true,
            ProgressInSegments = true,
        };
        job.Sliced(Plan(shards));
        for (var shard = 0; shard < Segment; shard++)
            job.MarkShardDone(shard, new ShardReport(20, 0));
        job.MarkShardDone(2 * Segment + 5, new ShardReport(19, 1));
        var writer = new ShardProgressStore(storage, Grain);
        await writer.WriteDirtyAsync(job.Progress);
        Assert.Equal([ShardProgressStore.StateName(0), ShardProgressStore.StateName(2)], storage.Written.Order(StringComparer.Ordinal));
        // The new members all have values, so a reader that ignored their absence would show it.
        job.Plan!.LeaseLimit = 7;
        job.Plan.MaxShards = 1_000_000;
        job.SegmentsNamed = 0;
        Assert.Equal([0, 1], job.FullSegments.Runs);

        var json = JsonNode.Parse(serializer.Serialize(job).ToString())!;
        Remove(json, nameof(JobRecord.FullSegments));
        Remove(json, nameof(JobRecord.SegmentsNamed));
        Remove(json[nameof(JobRecord.Plan)], nameof(ManifestPlan.Steps));
        Remove(json[nameof(JobRecord.Plan)], nameof(ManifestPlan.LeaseLimit));
        Remove(json[nameof(JobRecord.Plan)], nameof(ManifestPlan.MaxShards));
        var old = serializer.Deserialize<JobRecord>(BinaryData.FromString(json.ToJsonString()))!;

        var plan = Assert.IsType<ManifestPlan>(old.Plan);
        Assert.Empty(plan.Steps);
        Assert.Null(plan.LeaseLimit);
        Assert.Equal(0, plan.MaxShards);
        Assert.Equal(shards, plan.Shards);
        Assert.Empty(old.FullSegments.Runs);
        Assert.Empty(old.FullSegments.FailedRuns);
        Assert.Equal(0L, old.FullSegments.Images);
        Assert.Null(old.SegmentsNamed);

        // The activation reads every segment of the plan, as the earlier code did (ReadAsync(ProgressSegmentCount)).
        storage.Read.Clear();
        var store = new ShardProgressStore(storage, Grain);
        old.Restore(await store.ReadAsync(old));
        Assert.Equal(Enumerable.Range(0, old.ProgressSegmentCount).Select(ShardProgressStore.StateName), storage.Read.Order(StringComparer.Ordinal));
        Assert.Equal(Segment + 1, old.ShardsDone);
        Assert.Equal((Segment * 20L + 19, 1L), (old.ImagesSucceeded, old.ImagesFailed));
        Assert.True(old.IsShardDone(Segment - 1) && old.IsShardDone(2 * Segment + 5));
        Assert.False(old.IsShardDone(Segment) || old.IsShardDone(2 * Segment + 4));
        // From here on the record names what was read (so later segments are named before their first write), and the
        // full segment read is full in the next record.
        Assert.Equal(3, old.SegmentsNamed);
        Assert.Equal([0, 1], old.FullSegments.Runs);
    }

    [Fact]
    public void A_resized_plan_reads_back_through_the_blob_storage_serializer_with_every_slice_the_same()
    {
        var serializer = BlobStorageSerializer();
        var plan = Plan(200);
        plan.Resize(37, 400);
        plan.Resize(90, 2_500);
        plan.LeaseLimit = 95;
        plan.MaxShards = 500;
        plan.ImagesByShard[3] = 17;
        var job = new JobRecord { Spec = new JobSpec { Dataset = "d", Output = "o", ShardSize = 20 }, ProgressInSegments = true, SegmentsNamed = 1 };
        job.Sliced(plan);

        var read = serializer.Deserialize<JobRecord>(serializer.Serialize(job))!;

        var back = Assert.IsType<ManifestPlan>(read.Plan);
        Assert.Equal(plan.Steps, back.Steps);
        Assert.Equal((plan.Shards, 95, 500), (back.Shards, back.LeaseLimit, back.MaxShards));
        Assert.Equal(plan.ImagesByShard, back.ImagesByShard);
        Assert.Equal(plan.Shards, read.ShardCount);
        for (var shard = 0; shard < plan.Shards; shard++)
            Assert.Equal(plan.Slice(shard), back.Slice(shard));
        Assert.Equal(1, read.SegmentsNamed);
    }
}
