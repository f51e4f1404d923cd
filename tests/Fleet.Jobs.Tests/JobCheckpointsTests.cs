using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;

namespace Fleet.Jobs.Tests;

/// <summary>The job's checkpoint decisions on a fake clock and a write the test controls, no cluster and no storage.</summary>
public sealed class JobCheckpointsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<(DateTimeOffset Since, TimeSpan Duration)> _stalls = [];
    private int _writes;
    private int _deactivations;

    /// <summary>What the next write does (the default: succeed at once).</summary>
    private Func<Task> _write = () => Task.CompletedTask;

    private JobCheckpoints Checkpoints() => new(() =>
    {
        _writes++;
        return _write();
    }, _time, (since, duration) => _stalls.Add((since, duration)), () => _deactivations++, "job", NullLogger.Instance);

    [Fact]
    public async Task A_write_a_call_waits_for_gives_the_leases_the_time_it_took()
    {
        var checkpoints = Checkpoints();
        var started = _time.GetUtcNow();
        var storage = new TaskCompletionSource();
        _write = () => storage.Task;

        var written = checkpoints.WriteAndWaitAsync();
        _time.Advance(TimeSpan.FromSeconds(25));
        storage.SetResult();
        await written;

        Assert.Equal([(started, TimeSpan.FromSeconds(25))], _stalls);
    }

    [Fact]
    public async Task A_failed_write_nobody_waits_for_leaves_the_record_dirty_for_the_next_flush()
    {
        var checkpoints = Checkpoints();
        _write = () => Task.FromException(new IOException("storage down"));

        checkpoints.WriteBehind();
        await Task.Yield();
        Assert.True(checkpoints.Dirty);
        Assert.Empty(_stalls);

        _write = () => Task.CompletedTask;
        await checkpoints.FlushAsync();
        Assert.False(checkpoints.Dirty);
        await checkpoints.FlushAsync();
        Assert.Equal(2, _writes);
    }

    [Fact]
    public async Task A_stall_is_reported_even_when_the_write_fails()
    {
        var checkpoints = Checkpoints();
        _write = async () =>
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            await Task.Yield();
            throw new IOException("storage down");
        };

        await Assert.ThrowsAsync<IOException>(checkpoints.WriteAndWaitAsync);

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(_stalls).Duration);
    }

    [Fact]
    public async Task An_etag_conflict_ends_the_activation_and_fails_the_write()
    {
        var checkpoints = Checkpoints();
        _write = () => Task.FromException(new InconsistentStateException("etag", "stored", "held"));

        await Assert.ThrowsAsync<InconsistentStateException>(checkpoints.WriteAndWaitAsync);

        Assert.Equal(1, _deactivations);
    }
}
