namespace Fleet.Grains.Jobs;

/// <summary>Images per second over the last <see cref="Window"/>, so the rate (and the ETA) follow what is happening now.</summary>
public sealed class ThroughputWindow(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly Queue<(DateTimeOffset At, long Images)> _samples = new();
    private DateTimeOffset? _started;

    public void Start() => _started = time.GetUtcNow();

    public void Stop() => _started = null;

    public void Add(long images)
    {
        _samples.Enqueue((time.GetUtcNow(), images));
        Trim();
    }

    public double ImagesPerSecond
    {
        get
        {
            if (_started is null)
                return 0;
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
