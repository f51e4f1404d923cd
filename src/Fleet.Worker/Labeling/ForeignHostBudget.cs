using Fleet.Storage.Resilience;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Labeling;

/// <summary>
/// Per job and foreign host, on this silo: how many of the job's items there failed in a row after their retries. Past
/// <see cref="StorageResilienceOptions.ForeignHostFailureBudget"/> the job's other items on that host fail at once, so a
/// manifest full of lines to a dead host ends in seconds. Per job, not per silo: one tenant's dead host (or its paths that
/// 5xx) never condemns the same host for another job. Tallies live in a bounded, expiring cache: a silo that sees
/// millions of hosts keeps at most <see cref="MaxTallies"/> (past that a host simply gets its full retries).
/// </summary>
public sealed class ForeignHostBudget(IOptions<StorageResilienceOptions> options, StoragePipelines hosts) : IDisposable
{
    internal const int MaxTallies = 10_000;

    private readonly MemoryCache _tallies = new(new MemoryCacheOptions { SizeLimit = MaxTallies });
    private readonly int _budget = options.Value.ForeignHostFailureBudget;
    private readonly TimeSpan _memory = options.Value.ForeignHostBudgetMemory;

    /// <summary>The foreign host <paramref name="itemUri"/> is read from; null when it is the fleet's own storage (its failures are outages).</summary>
    public string? HostOf(string itemUri) => hosts.ForeignHostOf(itemUri);

    /// <summary>The error row text when <paramref name="host"/> used up its budget for <paramref name="jobId"/>; null: read it.</summary>
    public string? Spent(string jobId, string host) =>
        _budget > 0 && _tallies.TryGetValue((jobId, host), out Tally? tally) && tally!.Spent(_budget) is { } last
            ? $"{host} is unavailable: skipped without reading after {_budget} items in a row there failed (last: {last})"
            : null;

    public void Failed(string jobId, ForeignHostUnavailableException failure) => TallyOf(jobId, failure.Host).Failed(failure.Message);

    public void Succeeded(string jobId, string host)
    {
        if (_tallies.TryGetValue((jobId, host), out Tally? tally))
            tally!.Succeeded();
    }

    public void Dispose() => _tallies.Dispose();

    private Tally TallyOf(string jobId, string host) =>
        _tallies.GetOrCreate((jobId, host), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = _memory;
            return new Tally();
        })!;

    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private int _consecutive;
        private string? _last;

        public void Failed(string message)
        {
            lock (_lock)
            {
                _consecutive++;
                _last = message;
            }
        }

        public void Succeeded()
        {
            lock (_lock)
                _consecutive = 0;
        }

        public string? Spent(int budget)
        {
            lock (_lock)
                return _consecutive >= budget ? _last : null;
        }
    }
}
