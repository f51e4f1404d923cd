using Fleet.Contracts;
using Spectre.Console;

namespace Fleet.Cli.Rendering;

/// <summary>
/// Watches a job until it ends: a live bar (images done / total, images/s, ETA) on a terminal,
/// a plain progress line every few seconds when output is redirected (CI, logs).
/// </summary>
public static class JobProgressRenderer
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<JobStatus> WatchAsync(IJobGrain job, bool quiet, CancellationToken cancellationToken)
    {
        if (quiet)
            return await PollUntilDoneAsync(job, _ => { }, cancellationToken);
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
            return await LiveAsync(job, cancellationToken);

        var lastPrint = DateTime.MinValue;
        return await PollUntilDoneAsync(job, status =>
        {
            if (DateTime.UtcNow - lastPrint < PlainInterval && !status.State.IsTerminal())
                return;
            lastPrint = DateTime.UtcNow;
            Console.WriteLine(Describe(status));
        }, cancellationToken);
    }

    public static string Describe(JobStatus status)
    {
        var total = status.PlanningComplete ? status.ImagesTotal.ToString() : $"{status.ImagesTotal}+";
        var eta = status.Eta is { } e ? $" · ETA {e:hh\\:mm\\:ss}" : "";
        var running = status.ShardsLeased > 0 ? $", {status.ShardsLeased} running" : "";
        return $"{status.State.ToString().ToLowerInvariant()}: {status.ImagesDone}/{total} images ({status.ImagesFailed} failed) · " +
               $"shards {status.ShardsDone}/{status.ShardsTotal} done{running} · {status.ImagesPerSecond:0.0} img/s{eta}";
    }

    private static async Task<JobStatus> LiveAsync(IJobGrain job, CancellationToken cancellationToken)
    {
        JobStatus? last = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("planning", maxValue: 1);
                last = await PollUntilDoneAsync(job, status =>
                {
                    task.MaxValue = Math.Max(1, status.ImagesTotal);
                    task.Value = status.ImagesDone;
                    task.Description = Markup.Escape(Describe(status));
                }, cancellationToken);
                task.StopTask();
            });
        return last!;
    }

    private static async Task<JobStatus> PollUntilDoneAsync(IJobGrain job, Action<JobStatus> show, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await job.GetStatus();
            show(status);
            if (status.State.IsTerminal())
                return status;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
