using Fleet.Jobs.Progress;
using Orleans.Storage;

namespace Fleet.Jobs.Tests.Progress;

/// <summary>Grain storage in a dictionary that checks etags as a blob store does and records which entries were read and written.</summary>
internal sealed class DictionaryGrainStorage : IGrainStorage
{
    private readonly Dictionary<string, (object State, string ETag)> _entries = [];

    public List<string> Written { get; } = [];

    /// <summary>Every read, by state name (one never written too: a round trip all the same).</summary>
    public List<string> Read { get; } = [];

    /// <summary>A write of a state this is true for fails, as if the process died before it landed.</summary>
    public Func<string, bool> FailWrite { get; set; } = _ => false;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Read.Add(stateName);
        if (_entries.TryGetValue(Key(stateName, grainId), out var entry))
        {
            // A copy, as a serializing store reads: what the reader changes is not stored until written.
            grainState.State = (T)(entry.State is ProgressSegment segment ? segment.Copy() : entry.State);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailWrite(stateName))
            throw new IOException($"the write of {stateName} did not land");
        var key = Key(stateName, grainId);
        var stored = _entries.TryGetValue(key, out var entry) ? entry.ETag : null;
        if (stored != grainState.ETag)
            throw new InconsistentStateException($"etag {grainState.ETag} is not the stored {stored}", stored, grainState.ETag);
        grainState.ETag = Guid.NewGuid().ToString("N");
        _entries[key] = (grainState.State!, grainState.ETag);
        Written.Add(stateName);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _entries.Remove(Key(stateName, grainId));
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
