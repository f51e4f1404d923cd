using System.Collections;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Finish;

/// <summary>
/// The shards marked done whose data part is not in the output: the output container or folder was deleted (or a part
/// removed) after they committed. Every committed shard writes its data part, even an empty one, so a missing part
/// always means lost rows, and the job must run those shards again before it can call itself done. The listing is
/// read as a stream into one bit per shard, never a set of names.
/// </summary>
public sealed class MissingParts(string jobId, int shardCount, IResultPartFormat format)
{
    private readonly BitArray _present = new(shardCount);
    private readonly string _errorFolder = ResultLayout.Folder(jobId) + "/errors/";

    /// <summary>Error parts seen in the listing.</summary>
    public int ErrorParts { get; private set; }

    /// <summary>One name of the job's listing.</summary>
    public void Saw(string part)
    {
        if (!part.EndsWith("." + format.Extension, StringComparison.Ordinal) || ResultLayout.ShardOfPartFile(part) is not { } shard || shard >= shardCount)
            return;
        if (part.StartsWith(_errorFolder, StringComparison.Ordinal))
            ErrorParts++;
        else if (part == ResultLayout.Part(jobId, shard, format))
            _present[shard] = true;
    }

    /// <summary>The shards with no data part in what was seen.</summary>
    public IReadOnlyList<int> Missing() => Enumerable.Range(0, shardCount).Where(shard => !_present[shard]).ToArray();
}
