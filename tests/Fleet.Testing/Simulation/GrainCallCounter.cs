using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fleet.Testing.Simulation;

/// <summary>
/// An incoming grain-call filter on every silo of the simulated fleet: calls and time inside them per grain activation
/// and per method. For a non-reentrant grain, time inside calls over wall time is how busy that one activation is.
/// </summary>
public sealed class GrainCallCounter
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly ConcurrentDictionary<string, long> _methods = new(StringComparer.Ordinal);

    public async Task InvokeAsync(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            var activation = _activations.GetOrAdd(context.TargetId, _ => new Activation());
            Interlocked.Increment(ref activation.Calls);
            Interlocked.Add(ref activation.Ticks, Stopwatch.GetTimestamp() - started);
            _methods.AddOrUpdate($"{context.TargetId.Type}.{context.InterfaceMethod?.Name}", 1, (_, n) => n + 1);
        }
    }

    /// <summary>Calls and busy seconds so far, per activation.</summary>
    public IReadOnlyDictionary<GrainId, (long Calls, double BusySeconds)> Activations() =>
        _activations.ToDictionary(p => p.Key, p => (Interlocked.Read(ref p.Value.Calls), Interlocked.Read(ref p.Value.Ticks) / (double)Stopwatch.Frequency));

    /// <summary>Calls so far per "grain type.method".</summary>
    public IReadOnlyDictionary<string, long> Methods() => _methods.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private sealed class Activation
    {
        public long Calls;
        public long Ticks;
    }
}
