using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Worker.Labeling;
using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Worker.Tests;

public sealed class StandInImageLabelerTests
{
    [Fact]
    public async Task Every_batch_counts_its_wait_as_device_busy_time()
    {
        var time = new TimerCountingTimeProvider();
        var busy = new DeviceBusyClock(time);
        using var labeler = new StandInImageLabeler(
            Options.Create(new StandInOptions { WaitMs = 200 }), Options.Create(new InferenceOptions { BatchSize = 16 }), busy, time);
        var input = Channel.CreateUnbounded<EncodedImage>();
        for (var i = 0; i < 40; i++)
            input.Writer.TryWrite(new EncodedImage(i, new byte[] { 1 }));
        input.Writer.Complete();
        var sizes = new List<int>();

        var labeling = labeler.LabelAsync(new JobSpec { Dataset = "d", Output = "o" }, input.Reader, batch =>
        {
            lock (sizes)
                sizes.Add(batch.Indices.Count);
            return Task.CompletedTask;
        }, CancellationToken.None);
        // 40 images = batches of 16, 16, 8: let each batch's wait start, move the clock past it, and see the batch out.
        for (var batch = 1; batch <= 3; batch++)
        {
            await Until(() => time.TimersCreated >= batch);
            time.Advance(TimeSpan.FromMilliseconds(200));
            await Until(() => { lock (sizes) return sizes.Count >= batch; });
        }
        await labeling;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([16, 16, 8], sizes);
        Assert.Equal(TimeSpan.FromMilliseconds(600), busy.Busy);
    }

    private static async Task Until(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
            await Task.Delay(1, limit.Token);
    }

    private sealed class TimerCountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
