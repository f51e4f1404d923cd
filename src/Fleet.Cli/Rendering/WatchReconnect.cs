using Fleet.Cli.Remote;
using Fleet.Contracts;

namespace Fleet.Cli.Rendering;

/// <summary>
/// A watch outlives the API process: when a status poll cannot reach the API (restarted, redeployed, a network blip) or
/// the API answers 5xx/429, the watch says so once and keeps asking, and gives up only after <see cref="MaxOutage"/>
/// without an answer. Before, the first failed poll ended `--watch` with an error while the job ran on.
/// </summary>
public static class WatchReconnect
{
    public static readonly TimeSpan MaxOutage = TimeSpan.FromMinutes(5);

    public static Func<Task<JobStatus>> Wrap(Func<Task<JobStatus>> poll, Action<string> notice, CancellationToken cancellationToken, TimeSpan? maxOutage = null, TimeSpan? retryEvery = null)
    {
        DateTime? lostAt = null;
        return async () =>
        {
            while (true)
            {
                try
                {
                    var status = await poll();
                    if (lostAt is not null)
                        notice($"reconnected to the Fleet API after {(DateTime.UtcNow - lostAt.Value).TotalSeconds:0} s");
                    lostAt = null;
                    return status;
                }
                catch (FleetApiException e) when (e.Transient && !cancellationToken.IsCancellationRequested)
                {
                    if (lostAt is null)
                        notice($"lost the Fleet API ({e.Message}); retrying");
                    lostAt ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - lostAt.Value > (maxOutage ?? MaxOutage))
                        throw;
                    await Task.Delay(retryEvery ?? TimeSpan.FromSeconds(1), cancellationToken);
                }
            }
        };
    }
}
