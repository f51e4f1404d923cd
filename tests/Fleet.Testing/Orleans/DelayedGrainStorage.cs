using Orleans.Storage;

namespace Fleet.Testing.Orleans;

/// <summary>
/// Grain storage in front of a real one whose writes first await <see cref="BeforeWrite"/> (a delay, as a slow blob
/// write costs, or a gate a test holds open) and are counted: what a job's checkpoints cost, and which calls wait on them.
/// Reads are recorded (what an activation reads).
/// </summary>
public sealed class DelayedGrainStorage : IGrainStorage
{
    private long _writes;
    private IGrainStorage? _inner;

    /// <summary>The storage behind this one, set by the first silo that resolves it (Orleans' memory storage lives in grains, so any silo's will do).</summary>
    public void Wrap(IGrainStorage inner) => Interlocked.CompareExchange(ref _inner, inner, null);

    private IGrainStorage Inner => _inner ?? throw new InvalidOperationException("no storage wrapped yet");

    /// <summary>Awaited before each write reaches the inner storage.</summary>
    public Func<Task> BeforeWrite { get; set; } = () => Task.CompletedTask;

    /// <summary>Writes that reached the inner storage.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Every read that reached the inner storage: grain and state name.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(GrainId Grain, string State)> Reads { get; } = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Reads.Enqueue((grainId, stateName));
        return Inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await BeforeWrite();
        await Inner.WriteStateAsync(stateName, grainId, grainState);
        Interlocked.Increment(ref _writes);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Inner.ClearStateAsync(stateName, grainId, grainState);
}
