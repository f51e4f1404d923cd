using Fleet.Contracts;

namespace Fleet.Jobs.Registry;

/// <summary>
/// The registry's bookkeeping of which jobs it keeps (pure; the grain persists the record): each job numbered in the
/// order it registered, each owner's list capped on its own (an active job is never forgotten), and pages newest first
/// by sequence number, every owner's or one owner's. What it keeps is exactly what <see cref="Knows"/> and the pages see.
/// </summary>
public sealed class JobIndex
{
    private readonly JobRegistryRecord _record;
    private readonly int _maxPerOwner;
    // Every kept key, oldest first (ascending sequence): the every-owner pages; rebuilt from the record at load.
    private readonly List<string> _all;

    public JobIndex(JobRegistryRecord record, int maxPerOwner)
    {
        _record = record;
        _maxPerOwner = maxPerOwner;
        _all = [.. record.Sequences.OrderBy(e => e.Value).Select(e => e.Key)];
        Changed = MigrateUnnumbered();
        foreach (var owner in record.RecentByOwner.Keys.ToList())
            Changed |= Trim(owner);
    }

    /// <summary>Whether loading changed the record (an older registry numbered, or a lowered cap applied): write it.</summary>
    public bool Changed { get; }

    public bool Knows(string key) => _record.Sequences.ContainsKey(key);

    /// <summary>Keeps <paramref name="key"/> (numbered after every job before it) and trims its owner; true when the record changed.</summary>
    public bool Add(string key)
    {
        if (JobIds.Split(key) is not { } parts || Knows(key))
            return false;
        if (!_record.RecentByOwner.TryGetValue(parts.Owner, out var keys))
            _record.RecentByOwner[parts.Owner] = keys = [];
        keys.Add(key);
        _record.Sequences[key] = ++_record.LastSequence;
        _all.Add(key);
        Trim(parts.Owner);
        return true;
    }

    /// <summary>
    /// Forgets <paramref name="owner"/>'s oldest jobs beyond the cap, skipping active ones (a running job stays
    /// addressable, so it can always be cancelled); true when it forgot any. Called again when a job ends.
    /// </summary>
    public bool Trim(string owner)
    {
        if (!_record.RecentByOwner.TryGetValue(owner, out var keys))
            return false;
        var trimmed = false;
        for (var i = 0; keys.Count > _maxPerOwner && i < keys.Count;)
        {
            if (_record.Active.Contains(keys[i]))
            {
                i++;
                continue;
            }
            Forget(keys[i]);
            keys.RemoveAt(i);
            trimmed = true;
        }
        return trimmed;
    }

    /// <summary>Up to <paramref name="max"/> keys registered before <paramref name="before"/>, newest first.</summary>
    public JobKeyPage Page(string? owner, long? before, int max)
    {
        IReadOnlyList<string> keys = owner is null ? _all : _record.RecentByOwner.GetValueOrDefault(owner) ?? [];
        // Both lists ascend by sequence: the first key at or after the cursor ends the page's range.
        var end = before is { } cursor ? FirstAtOrAfter(keys, cursor) : keys.Count;
        var start = Math.Max(0, end - Math.Max(0, max));
        var page = new List<string>(end - start);
        for (var i = end - 1; i >= start; i--)
            page.Add(keys[i]);
        return new JobKeyPage(page, start > 0 && page.Count > 0 ? _record.Sequences[page[^1]] : null);
    }

    private int FirstAtOrAfter(IReadOnlyList<string> keys, long sequence)
    {
        var (low, high) = (0, keys.Count);
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (_record.Sequences[keys[mid]] < sequence)
                low = mid + 1;
            else
                high = mid;
        }
        return low;
    }

    private void Forget(string key)
    {
        var at = FirstAtOrAfter(_all, _record.Sequences[key]);
        _all.RemoveAt(at);
        _record.Sequences.Remove(key);
    }

    /// <summary>A registry written before jobs were numbered: its jobs are numbered once, in the order it kept them.</summary>
    private bool MigrateUnnumbered()
    {
        if (_record.Sequences.Count > 0 || (_record.Recent.Count == 0 && _record.RecentByOwner.Count == 0))
            return false;
        var ordered = _record.Recent.Concat(_record.RecentByOwner.Values.SelectMany(keys => keys)).Distinct(StringComparer.Ordinal).ToList();
        _record.Recent.Clear();
        _record.RecentByOwner.Clear();
        foreach (var key in ordered)
            Add(key);
        return true;
    }
}
