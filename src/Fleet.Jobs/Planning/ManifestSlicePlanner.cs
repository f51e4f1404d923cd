using System.Globalization;
using Fleet.Contracts;
using Fleet.Storage.Datasets;
using Fleet.Storage.Datasets.Slices;
using Fleet.Storage.Limits;
using Fleet.Storage.Security;
using Microsoft.Extensions.Options;

namespace Fleet.Jobs.Planning;

/// <summary>
/// Plans a text manifest (.txt, .jsonl, .csv; a local file or a blob of the account) by byte ranges instead of listing
/// it: one sampled block is read (<see cref="PlanningOptions.SampleBytes"/>), the slices follow from the manifest's
/// size (<see cref="ShardSizer"/>), and every shard's worker reads its own lines, so planning takes as long as one small
/// read whatever the manifest's length. Null for any other dataset, and for a manifest whose sampled entries name .tar
/// files (those expand into samples only a full listing finds): the listing planner (<see cref="ShardPlanner"/>) plans them.
/// </summary>
public sealed class ManifestSlicePlanner(IntakePolicy policy, ManifestSlices slices, IOptions<PlanningOptions> options)
{
    public async Task<ManifestPlan?> PlanAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        if (!slices.TryGetSource(spec.Dataset, out var source, out var manifest, out var format))
            return null;
        // The intake policy decides as it does for a listing.
        policy.CheckDataset(spec.Dataset);
        var head = await source.HeadAsync(cancellationToken);
        var dataStart = format == ManifestFormat.Csv
            ? (await ManifestSliceReader.ReadHeaderAsync(source, head.Version, slices.Limits, cancellationToken)).DataStart
            : 0;
        var sampleEnd = Math.Min(head.Size, dataStart + Math.Max(1, options.Value.SampleBytes));
        var whole = sampleEnd >= head.Size;
        var entries = new List<long>();
        await foreach (var entry in ManifestSliceReader.ReadAsync(source, format, manifest, new SliceBounds(dataStart, sampleEnd, head.Version, dataStart), slices.Limits, cancellationToken))
        {
            if (TarShards.IsTar(entry.Item.Uri))
                return null;
            entries.Add(entry.Offset);
        }
        if (entries.Count == 0)
        {
            if (whole)
                throw new EmptyDatasetException($"dataset '{source.Display} ({format} manifest)' holds no images (the manifest lists no URIs)");
            return null;
        }
        var plan = ShardSizer.Plan(head, dataStart, entries, sampleEnd - dataStart, whole, spec.ShardSize);
        if (plan.Shards > slices.Limits.MaxShardsPerJob)
            throw ShardPlanner.TooManyShards(spec, slices.Limits);
        // A resize (adaptive shard size) keeps within the same limit.
        plan.MaxShards = slices.Limits.MaxShardsPerJob;
        if (plan.EstimatedImages > slices.Limits.MaxManifestLines)
        {
            throw new DatasetLimitException(string.Create(CultureInfo.InvariantCulture,
                $"manifest '{source.Display}' has about {plan.EstimatedImages:N0} lines, more than {slices.Limits.MaxManifestLines:N0} ({ItemLimits.Setting(nameof(ItemLimits.MaxManifestLines))}); split it into several jobs"));
        }
        return plan;
    }

    /// <summary>
    /// Counts the images of done slices that must run again though no failure recorded their count (their parts went
    /// missing), so the job's counters can take them back out exactly (<see cref="ManifestPlan.ImagesByShard"/>).
    /// </summary>
    public async Task CountAsync(JobSpec spec, ManifestPlan plan, IEnumerable<int> shards, CancellationToken cancellationToken)
    {
        if (plan.Exact || !slices.TryGetSource(spec.Dataset, out var source, out var manifest, out var format))
            return;
        foreach (var shard in shards)
        {
            if (plan.ImagesByShard.ContainsKey(shard))
                continue;
            var slice = plan.Slice(shard);
            var images = 0;
            await foreach (var _ in ManifestSliceReader.ReadAsync(source, format, manifest, new SliceBounds(slice.Start, slice.End, slice.Version, slice.DataStart), slices.Limits, cancellationToken))
                images++;
            plan.ImagesByShard[shard] = images;
        }
    }
}
