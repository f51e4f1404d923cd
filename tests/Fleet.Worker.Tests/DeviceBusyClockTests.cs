using Fleet.Worker.Labeling;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Worker.Tests;

public sealed class DeviceBusyClockTests
{
    [Fact]
    public void Counts_busy_time_only_including_the_batch_still_running()
    {
        var time = new FakeTimeProvider();
        var clock = new DeviceBusyClock(time);

        time.Advance(TimeSpan.FromSeconds(5));
        using (clock.Start())
            time.Advance(TimeSpan.FromMilliseconds(200));
        time.Advance(TimeSpan.FromSeconds(1));
        var running = clock.Start();
        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(TimeSpan.FromMilliseconds(250), clock.Busy);
        running.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(250), clock.Busy);
    }

    [Fact]
    public void Overlapping_batches_count_once()
    {
        var time = new FakeTimeProvider();
        var clock = new DeviceBusyClock(time);

        var first = clock.Start();
        time.Advance(TimeSpan.FromMilliseconds(100));
        var second = clock.Start();
        time.Advance(TimeSpan.FromMilliseconds(100));
        first.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(100));
        second.Dispose();

        Assert.Equal(TimeSpan.FromMilliseconds(300), clock.Busy);
    }
}
