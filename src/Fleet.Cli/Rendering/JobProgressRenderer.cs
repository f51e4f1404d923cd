using Fleet.Contracts;
using Spectre.Console;

namespace Fleet.Cli.Rendering;

/// <summary>
/// Watches a job until it ends: a live bar (images done / total, images/s, ETA) on a terminal,
/// a plain progress line every few seconds when output is redirected (CI, logs).
/// </summary>
public static class JobProgressRenderer
{
    /// <summary>How often a watch over the API asks: 240 calls a minute, under its per-client rate limit of 300.</summary>
    public static readonly TimeSpan RemotePollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often `fleet run` asks its in-process job: a status call costs nothing there, and the command returns
    /// sooner after the job ends (on average half an interval after it).
    /// </summary>
    public static readonly TimeSpan EmbeddedPollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<JobStatus> WatchAsync(Func<Task<JobStatus>> poll, bool quiet, TimeSpan every, CancellationToken cancellationToken)
    {
        poll = WatchReconnect.Wrap(poll, quiet ? _ => { } : message => Console.Error.WriteLine($"fleet: {message}"), cancellationToken);
        if (quiet)
            return await PollUntilDoneAsync(poll, every, _ => { }, cancellationToken);
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
            return await LiveAsync(poll, every, cancellationToken);

        var lastPrint = DateTime.MinValue;
        return await PollUntilDoneAsync(poll, every, status =>
        {
            if (DateTime.UtcNow - lastPrint < PlainInterval && !status.State.IsTerminal())
                return;
            lastPrint = DateTime.UtcNow;
            Console.WriteLine(Describe(status));
        }, cancellationToken);
    }

    public static string Describe(JobStatus status)
    {
        // "+": still listing; "~": an estimate from a manifest planned by byte ranges, exact once its shards are read.
        var total = !status.PlanningComplete ? $"{status.ImagesTotal}+" : status.ImagesTotalEstimated ? $"~{status.ImagesTotal}" : status.ImagesTotal.ToString();
        var eta = status.Eta is { } e ? $" · ETA {e:hh\\:mm\\:ss}" : "";
        var running = status.ShardsLeased > 0 ? $", {status.ShardsLeased} running" : "";
        return $"{status.State.ToString().ToLowerInvariant()}: {status.ImagesDone}/{total} images ({status.ImagesFailed} failed) · " +
               $"shards {status.ShardsDone}/{status.ShardsTotal} done{running} · {status.ImagesPerSecond:0.0} img/s{eta}";
    }

    private static async Task<JobStatus> LiveAsync(Func<Task<JobStatus>> poll, TimeSpan every, CancellationToken cancellationToken)
    {
        JobStatus? last = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                // One bar per stage: the listing grows the plan, labeling fills it, commits make it durable.
                var listing = context.AddTask("listing", maxValue: 1);
                var labeled = context.AddTask("labeled", maxValue: 1);
                var committed = context.AddTask("committed", maxValue: 1);
                last = await PollUntilDoneAsync(poll, every, status =>
                {
                    listing.MaxValue = 1;
                    listing.Value = status.PlanningComplete ? 1 : 0;
                    listing.Description = Markup.Escape($"listing   {status.ImagesTotal}{(status.PlanningComplete ? "" : "+")} images in {status.ShardsTotal} shards");
                    labeled.MaxValue = Math.Max(1, status.ImagesTotal);
                    labeled.Value = status.ImagesDone;
                    labeled.Description = Markup.Escape($"labeled   {status.ImagesDone}/{status.ImagesTotal} ({status.ImagesFailed} failed) {status.ImagesPerSecond:0.0} img/s" +
                                                        (status.Eta is { } eta ? $" ETA {eta:hh\\:mm\\:ss}" : ""));
                    committed.MaxValue = Math.Max(1, status.ShardsTotal);
                    committed.Value = status.ShardsDone;
                    committed.Description = Markup.Escape($"committed {status.ShardsDone}/{status.ShardsTotal} shards, {status.ShardsLeased} running");
                }, cancellationToken);
                foreach (var task in new[] { listing, labeled, committed })
                    task.StopTask();
            });
        return last!;
    }

    private static async Task<JobStatus> PollUntilDoneAsync(Func<Task<JobStatus>> poll, TimeSpan every, Action<JobStatus> show, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await poll();
            show(status);
            if (status.State.IsTerminal())
                return status;
            await Task.Delay(every, cancellationToken);
        }
    }
}
