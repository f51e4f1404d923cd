using Microsoft.Extensions.Time.Testing;

namespace Fleet.Jobs.Tests;

public sealed class ThroughputWindowTests
{
    [Fact]
    public void Rate_follows_the_last_thirty_seconds_and_freezes_at_the_run_average_when_stopped()
    {
        var time = new FakeTimeProvider();
        var window = new ThroughputWindow(time);
        window.Start();
        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            window.Add(i < 30 ? 10 : 20);
        }

        Assert.Equal(20, window.ImagesPerSecond, precision: 0);
        window.Stop();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(15, window.ImagesPerSecond, precision: 0);
    }
}
