namespace Fleet.Jobs.Progress;

/// <summary>
/// The progress segments whose every shard is done with no failed image and no attempt left (<see cref="ProgressSegment.IsFull"/>),
/// kept in the job record as sorted runs of segment indexes: a job done in order is one run, a few bytes however big.
/// An activation does not read these segments (all their shards are known done, their images are <see cref="Images"/>);
/// one is read only when one of its shards must change (<see cref="ShardProgressStore.LoadAsync"/>), and leaves this set
/// in a record written before that change. A segment joins it only once its full state has been written.
/// </summary>
[GenerateSerializer, Alias("fleet.FullSegments")]
public sealed class FullSegments
{
    /// <summary>Runs as [start, end) pairs of segment indexes, sorted and apart (never touching).</summary>
    [Id(0)] public List<int> Runs { get; set; } = [];

    /// <summary>The succeeded images of every segment in the set (a full segment has no failed ones).</summary>
    [Id(1)] public long Images { get; set; }

    public bool Contains(int segment) => RunOf(segment) >= 0;

    /// <summary>How many segments the set holds.</summary>
    public int CountSegments()
    {
        var count = 0;
        for (var i = 0; i < Runs.Count; i += 2)
            count += Runs[i + 1] - Runs[i];
        return count;
    }

    /// <summary>The segment, full with <paramref name="images"/> succeeded images, joins the set; false when it was in it.</summary>
    public bool Add(int segment, long images)
    {
        if (Contains(segment))
            return false;
        Images += images;
        // The first run that starts after the segment.
        var next = 0;
        while (next < Runs.Count && Runs[next] <= segment)
            next += 2;
        var joinsPrevious = next > 0 && Runs[next - 1] == segment;
        var joinsNext = next < Runs.Count && Runs[next] == segment + 1;
        if (joinsPrevious && joinsNext)
        {
            Runs[next - 1] = Runs[next + 1];
            Runs.RemoveRange(next, 2);
        }
        else if (joinsPrevious)
        {
            Runs[next - 1] = segment + 1;
        }
        else if (joinsNext)
        {
            Runs[next] = segment;
        }
        else
        {
            Runs.InsertRange(next, [segment, segment + 1]);
        }
        return true;
    }

    /// <summary>The segment, of <paramref name="images"/> succeeded images, leaves the set; false when it was not in it.</summary>
    public bool Remove(int segment, long images)
    {
        var run = RunOf(segment);
        if (run < 0)
            return false;
        Images -= images;
        var (start, end) = (Runs[run], Runs[run + 1]);
        if (end - start == 1)
            Runs.RemoveRange(run, 2);
        else if (segment == start)
            Runs[run] = start + 1;
        else if (segment == end - 1)
            Runs[run + 1] = end - 1;
        else
        {
            Runs[run + 1] = segment;
            Runs.InsertRange(run + 2, [segment + 1, end]);
        }
        return true;
    }

    /// <summary>Every segment in the set, in order.</summary>
    public IEnumerable<int> Segments()
    {
        for (var i = 0; i < Runs.Count; i += 2)
        {
            for (var segment = Runs[i]; segment < Runs[i + 1]; segment++)
                yield return segment;
        }
    }

    /// <summary>The index in <see cref="Runs"/> of the run holding <paramref name="segment"/>; -1 when none does.</summary>
    private int RunOf(int segment)
    {
        // Binary search over the runs' starts.
        int low = 0, high = Runs.Count / 2 - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (segment < Runs[2 * mid])
                high = mid - 1;
            else if (segment >= Runs[2 * mid + 1])
                low = mid + 1;
            else
                return 2 * mid;
        }
        return -1;
    }
}
