namespace Fleet.Jobs.Progress;

/// <summary>
/// The progress segments whose every shard is done with no attempt left (<see cref="ProgressSegment.IsFull"/>), kept in
/// the job record as sorted runs of segment indexes: a job done in order is one run, a few bytes however big. A
/// re-activation does not read these segments (all their shards are known done, their images are <see cref="Images"/>
/// and <see cref="ImagesFailed"/>); one is read only when one of its shards must change: a shard re-opened by the
/// finisher (<see cref="ShardProgressStore.LoadAsync"/>), or, for those holding failed images (<see cref="FailedRuns"/>),
/// a user's resume, which re-opens them (<see cref="ShardProgressStore.LoadFailuresAsync"/>). It leaves this set in a
/// record written before that change; it joins it only once its full state has been written.
/// </summary>
[GenerateSerializer, Alias("fleet.FullSegments")]
public sealed class FullSegments
{
    /// <summary>Runs as [start, end) pairs of segment indexes, sorted and apart (never touching).</summary>
    [Id(0)] public List<int> Runs { get; set; } = [];

    /// <summary>The succeeded images of every segment in the set.</summary>
    [Id(1)] public long Images { get; set; }

    /// <summary>The failed images (error rows) of every segment in the set.</summary>
    [Id(2)] public long ImagesFailed { get; set; }

    /// <summary>The segments of the set that hold failed images, as runs like <see cref="Runs"/>.</summary>
    [Id(3)] public List<int> FailedRuns { get; set; } = [];

    public bool Contains(int segment) => RunOf(Runs, segment) >= 0;

    /// <summary>True when the segment is in the set and holds failed images.</summary>
    public bool HasFailures(int segment) => RunOf(FailedRuns, segment) >= 0;

    /// <summary>How many segments the set holds.</summary>
    public int CountSegments()
    {
        var count = 0;
        for (var i = 0; i < Runs.Count; i += 2)
            count += Runs[i + 1] - Runs[i];
        return count;
    }

    /// <summary>The segment, full with <paramref name="images"/> succeeded and <paramref name="failed"/> failed images, joins the set; false when it was in it.</summary>
    public bool Add(int segment, long images, long failed = 0)
    {
        if (!AddTo(Runs, segment))
            return false;
        Images += images;
        ImagesFailed += failed;
        if (failed > 0)
            AddTo(FailedRuns, segment);
        return true;
    }

    /// <summary>The segment, of <paramref name="images"/> succeeded and <paramref name="failed"/> failed images, leaves the set; false when it was not in it.</summary>
    public bool Remove(int segment, long images, long failed = 0)
    {
        if (!RemoveFrom(Runs, segment))
            return false;
        Images -= images;
        ImagesFailed -= failed;
        RemoveFrom(FailedRuns, segment);
        return true;
    }

    /// <summary>Every segment in the set, in order.</summary>
    public IEnumerable<int> Segments() => Enumerate(Runs);

    /// <summary>The segments of the set that hold failed images, in order.</summary>
    public IEnumerable<int> SegmentsWithFailures() => Enumerate(FailedRuns);

    private static IEnumerable<int> Enumerate(List<int> runs)
    {
        for (var i = 0; i < runs.Count; i += 2)
        {
            for (var segment = runs[i]; segment < runs[i + 1]; segment++)
                yield return segment;
        }
    }

    private static bool AddTo(List<int> runs, int segment)
    {
        if (RunOf(runs, segment) >= 0)
            return false;
        // The first run that starts after the segment.
        var next = 0;
        while (next < runs.Count && runs[next] <= segment)
            next += 2;
        var joinsPrevious = next > 0 && runs[next - 1] == segment;
        var joinsNext = next < runs.Count && runs[next] == segment + 1;
        if (joinsPrevious && joinsNext)
        {
            runs[next - 1] = runs[next + 1];
            runs.RemoveRange(next, 2);
        }
        else if (joinsPrevious)
        {
            runs[next - 1] = segment + 1;
        }
        else if (joinsNext)
        {
            runs[next] = segment;
        }
        else
        {
            runs.InsertRange(next, [segment, segment + 1]);
        }
        return true;
    }

    private static bool RemoveFrom(List<int> runs, int segment)
    {
        var run = RunOf(runs, segment);
        if (run < 0)
            return false;
        var (start, end) = (runs[run], runs[run + 1]);
        if (end - start == 1)
        {
            runs.RemoveRange(run, 2);
        }
        else if (segment == start)
        {
            runs[run] = start + 1;
        }
        else if (segment == end - 1)
        {
            runs[run + 1] = end - 1;
        }
        else
        {
            runs[run + 1] = segment;
            runs.InsertRange(run + 2, [segment + 1, end]);
        }
        return true;
    }

    /// <summary>The index in <paramref name="runs"/> of the run holding <paramref name="segment"/>; -1 when none does.</summary>
    private static int RunOf(List<int> runs, int segment)
    {
        // Binary search over the runs' starts.
        int low = 0, high = runs.Count / 2 - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (segment < runs[2 * mid])
                high = mid - 1;
            else if (segment >= runs[2 * mid + 1])
                low = mid + 1;
            else
                return 2 * mid;
        }
        return -1;
    }
}
