namespace Fleet.Jobs;

/// <summary>Images per second over the last <see cref="Window"/>, so the rate (and the ETA) follow what is happening now.</summary>
public sealed class ThroughputWindow(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly Queue<(DateTimeOffset At, long Images)> _samples = new();
    private DateTimeOffset? _started;
    private long _runImages;
    private double _finalRate;

    public void Start()
    {
        _started = time.GetUtcNow();
        _runImages = 0;
        _samples.Clear();
    }

    /// <summary>Freezes the rate at the run's average, so a finished job reports how fast it went.</summary>
    public void Stop()
    {
        if (_started is { } started)
        {
            var seconds = (time.GetUtcNow() - started).TotalSeconds;
            _finalRate = seconds > 0 ? _runImages / seconds : 0;
        }
        _started = null;
    }

    public void Add(long images)
    {
        _runImages += images;
        _samples.Enqueue((time.GetUtcNow(), images));
        Trim();
    }

    public double ImagesPerSecond
    {
        get
        {
            if (_started is null)
                return _finalRate;
            Trim();
            var now = time.GetUtcNow();
            var span = now - (now - _started.Value < Window ? _started.Value : now - Window);
            return span.TotalSeconds <= 0 ? 0 : _samples.Sum(s => s.Images) / span.TotalSeconds;
        }
    }

    private void Trim()
    {
        var cutoff = time.GetUtcNow() - Window;
        while (_samples.TryPeek(out var oldest) && oldest.At < cutoff)
            _samples.Dequeue();
    }
}
