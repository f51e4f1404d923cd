using System.Net;
using Fleet.Cli.Remote;
using Fleet.Cli.Rendering;
using Fleet.Contracts;

namespace Fleet.EndToEnd.Tests;

/// <summary>`--watch` across an API restart: unreachable and 5xx polls are retried; a real refusal (404) still ends the watch.</summary>
public sealed class WatchReconnectTests
{
    [Fact]
    public async Task A_watch_keeps_polling_while_the_API_is_down_and_carries_on_when_it_is_back()
    {
        var answers = new Queue<Func<JobStatus>>([
            () => Status(JobState.Running),
            () => throw new FleetApiException("cannot reach the Fleet API", 4, new HttpRequestException("connection refused")),
            () => throw new FleetApiException("503 Service Unavailable", 4, status: (int)HttpStatusCode.ServiceUnavailable),
            () => Status(JobState.Succeeded),
        ]);
        var notices = new List<string>();
        var poll = WatchReconnect.Wrap(() => Task.FromResult(answers.Dequeue()()), notices.Add, CancellationToken.None, retryEvery: TimeSpan.FromMilliseconds(1));

        Assert.Equal(JobState.Running, (await poll()).State);
        Assert.Equal(JobState.Succeeded, (await poll()).State);
        Assert.Empty(answers);
        Assert.Equal(2, notices.Count);
        Assert.StartsWith("lost the Fleet API", notices[0]);
        Assert.StartsWith("reconnected", notices[1]);
    }

    [Fact]
    public async Task A_refusal_is_not_retried_and_an_outage_longer_than_the_limit_ends_the_watch()
    {
        var notFound = WatchReconnect.Wrap(() => throw new FleetApiException("404 Not Found", 2, status: 404), _ => { }, CancellationToken.None);
        Assert.Equal(404, (await Assert.ThrowsAsync<FleetApiException>(notFound)).Status);

        var down = WatchReconnect.Wrap(() => throw new FleetApiException("unreachable", 4, new HttpRequestException("refused")), _ => { }, CancellationToken.None,
            maxOutage: TimeSpan.FromMilliseconds(50), retryEvery: TimeSpan.FromMilliseconds(10));
        Assert.True((await Assert.ThrowsAsync<FleetApiException>(down)).Transient);
    }

    private static JobStatus Status(JobState state) => new() { JobId = "watch", State = state };
}
