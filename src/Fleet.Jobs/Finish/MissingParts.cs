using Fleet.Storage.Results;

namespace Fleet.Jobs.Finish;

/// <summary>
/// The shards marked done whose data part is not in the output: the output container or folder was deleted (or a part
/// removed) after they committed. Every committed shard writes its data part, even an empty one, so a missing part
/// always means lost rows, and the job must run those shards again before it can call itself done.
/// </summary>
public static class MissingParts
{
    public static IReadOnlyList<int> Of(string jobId, int shardCount, IEnumerable<string> parts, IResultPartFormat format)
    {
        var present = parts.ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, shardCount).Where(shard => !present.Contains(ResultLayout.Part(jobId, shard, format))).ToArray();
    }
}
