using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Storage;

namespace Fleet.Testing.Simulation;

/// <summary>
/// The simulated fleet's grain storage: every state held serialized (the silo's own grain-storage serializer, as a blob
/// provider writes it) in this process, so it outlives a killed cluster the way a storage account does, and every byte
/// read and written is counted by grain type. Etags are checked as a real provider checks them. Each write can cost
/// <see cref="WriteDelay"/> (what a blob write takes); <see cref="Sever"/> cuts the cluster off, so a graceful shutdown
/// writes nothing more and stands in for a kill.
/// </summary>
public sealed class StorageTraffic
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), Entry> _states = new();
    private readonly ConcurrentDictionary<string, Counters> _byType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counters> _byKind = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string State, GrainId Grain), long> _lastDurableWriteStarted = new();
    private long _etag;
    private volatile bool _severed;

    /// <summary>Added to every write before it lands.</summary>
    public TimeSpan WriteDelay { get; init; }

    /// <summary>The storage a silo registers: this one, with that silo's serializer.</summary>
    public IGrainStorage For(IGrainStorageSerializer serializer) => new SiloStorage(this, serializer);

    /// <summary>From now on every read and write fails: nothing the dying cluster does reaches storage.</summary>
    public void Sever() => _severed = true;

    /// <summary>Storage is reachable again (the next cluster starts).</summary>
    public void Restore() => _severed = false;

    public Counters Totals()
    {
        var total = new Counters();
        foreach (var counters in _byType.Values)
            total.Add(counters);
        return total;
    }

    /// <summary>Counters per grain type (e.g. "job", "jobregistry").</summary>
    public IReadOnlyDictionary<string, Counters> ByType() => _byType.ToDictionary(p => p.Key, p => p.Value.Copy(), StringComparer.Ordinal);

    /// <summary>The bytes every stored state holds now (what a resume could at most have to read).</summary>
    public long StoredBytes() => _states.Values.Sum(e => (long)e.Data.Length);

    /// <summary>
    /// Counters per kind of state: its name, with a trailing "-{number}" dropped (every "job-progress-{n}" segment is
    /// "job-progress"). A read of a state never written counts as a read of 0 bytes: a round trip all the same.
    /// </summary>
    public Counters OfKind(string kind) => _byKind.TryGetValue(kind, out var counters) ? counters.Copy() : new Counters();

    /// <summary>The entries of one kind stored now, and their bytes.</summary>
    public (int Entries, long Bytes) StoredOfKind(string kind)
    {
        var of = _states.Where(p => KindOf(p.Key.State) == kind).Select(p => (long)p.Value.Data.Length).ToArray();
        return (of.Length, of.Sum());
    }

    /// <summary>A state's kind: its name without a trailing "-{number}".</summary>
    public static string KindOf(string stateName)
    {
        var dash = stateName.LastIndexOf('-');
        return dash > 0 && dash < stateName.Length - 1 && stateName.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0 ? stateName[..dash] : stateName;
    }

    /// <summary>The largest state stored for grains of <paramref name="grainType"/>.</summary>
    public long LargestState(string grainType) => _states.Where(p => p.Key.Grain.Type.ToString() == grainType).Select(p => (long)p.Value.Data.Length).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Per state name of the grains keyed <paramref name="key"/>: when (Stopwatch timestamp) its last write that landed
    /// began. That entry holds everything those grains had put in it before that moment.
    /// </summary>
    public IReadOnlyDictionary<string, long> LastDurableWritesStarted(string key) =>
        _lastDurableWriteStarted.Where(p => p.Key.Grain.Key.ToString() == key)
            .GroupBy(p => p.Key.State, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(p => p.Value), StringComparer.Ordinal);

    private void ThrowIfSevered()
    {
        if (_severed)
            throw new IOException("simulated storage is cut off (the cluster was killed)");
    }

    private Counters CountersOf(GrainId grain) => _byType.GetOrAdd(grain.Type.ToString()!, _ => new Counters());

    private Counters CountersOfKind(string stateName) => _byKind.GetOrAdd(KindOf(stateName), _ => new Counters());

    /// <summary>Reads and writes of one grain type (or all), counted as they happen.</summary>
    public sealed class Counters
    {
        private long _writes;
        private long _writtenBytes;
        private long _reads;
        private long _readBytes;

        public long Writes => Interlocked.Read(ref _writes);
        public long WrittenBytes => Interlocked.Read(ref _writtenBytes);
        public long Reads => Interlocked.Read(ref _reads);
        public long ReadBytes => Interlocked.Read(ref _readBytes);

        internal void Wrote(int bytes)
        {
            Interlocked.Increment(ref _writes);
            Interlocked.Add(ref _writtenBytes, bytes);
        }

        internal void Read(int bytes)
        {
            Interlocked.Increment(ref _reads);
            Interlocked.Add(ref _readBytes, bytes);
        }

        internal void Add(Counters other)
        {
            _writes += other.Writes;
            _writtenBytes += other.WrittenBytes;
            _reads += other.Reads;
            _readBytes += other.ReadBytes;
        }

        internal Counters Copy()
        {
            var copy = new Counters();
            copy.Add(this);
            return copy;
        }
    }

    private sealed record Entry(byte[] Data, string ETag);

    private sealed class SiloStorage(StorageTraffic traffic, IGrainStorageSerializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            traffic.ThrowIfSevered();
            if (traffic._states.TryGetValue((stateName, grainId), out var entry))
            {
                grainState.State = serializer.Deserialize<T>(new BinaryData(entry.Data));
                grainState.ETag = entry.ETag;
                grainState.RecordExists = true;
                traffic.CountersOf(grainId).Read(entry.Data.Length);
                traffic.CountersOfKind(stateName).Read(entry.Data.Length);
            }
            else
            {
                traffic.CountersOf(grainId).Read(0);
                traffic.CountersOfKind(stateName).Read(0);
            }
            return Task.CompletedTask;
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            traffic.ThrowIfSevered();
            // Serialized before any wait: the write holds the state as it was when the grain asked for it.
            var started = Stopwatch.GetTimestamp();
            var data = serializer.Serialize(grainState.State).ToArray();
            var expected = grainState.ETag;
            if (traffic.WriteDelay > TimeSpan.Zero)
                await Task.Delay(traffic.WriteDelay);
            traffic.ThrowIfSevered();
            var etag = Interlocked.Increment(ref traffic._etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var key = (stateName, grainId);
            var stored = traffic._states.AddOrUpdate(key,
                _ => expected is null ? new Entry(data, etag) : throw Conflict(stateName, grainId, expected, null),
                (_, current) => current.ETag == expected ? new Entry(data, etag) : throw Conflict(stateName, grainId, expected, current.ETag));
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
            traffic.CountersOf(grainId).Wrote(data.Length);
            traffic.CountersOfKind(stateName).Wrote(data.Length);
            traffic._lastDurableWriteStarted.AddOrUpdate(key, started, (_, last) => Math.Max(last, started));
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            traffic.ThrowIfSevered();
            traffic._states.TryRemove((stateName, grainId), out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        private static InconsistentStateException Conflict(string stateName, GrainId grainId, string? expected, string? current) =>
            new($"etag conflict writing {stateName} of {grainId}", current ?? "(none)", expected ?? "(none)");
    }
}
