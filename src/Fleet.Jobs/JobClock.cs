namespace Fleet.Jobs;

/// <summary>
/// The control plane's clock (lease expiry, speculation, timings). Its own type, not the container's TimeProvider:
/// Orleans' runtime reads that one too, so a test that moves the job clock forward must not move the silo's.
/// </summary>
public sealed class JobClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}
