using System.Net;
using System.Net.Sockets;
using Fleet.Contracts;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Jobs.Tests.Cluster;

/// <summary>
/// The fleet storage down is not a bad image: the shard goes back to the queue (no attempt counted, however long the outage).
/// A foreign http host's brief 503s are retried; only a real per-image failure (a 404) becomes an error row.
/// </summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task A_shard_returned_because_storage_was_down_is_never_counted_as_a_failed_attempt()
    {
        await using var cluster = await JobCluster.StartAsync(workers: false);
        await cluster.SubmitPlannedAsync("outage", new JobSpec { Dataset = TestDatasets.Folder(2), Output = TestDatasets.NewFolder("out"), ShardSize = 2 });
        var job = cluster.Leases("outage");

        // Far more returns than MaxShardAttempts (3 here): an abandon would have failed the job at the third.
        for (var i = 0; i < 10; i++)
            await job.ReturnShard((await job.LeaseShard("w"))!.Token, "storage unavailable: connection refused");

        var lease = (await job.LeaseShard("w"))!;
        Assert.False(lease.Isolate);
        Assert.Equal(JobState.Running, (await cluster.Job("outage").GetStatus()).State);
        Assert.True(await job.BeginCommit(lease.Token) && await job.ReportShard(lease.Token, new ShardReport(2, 0)));
        Assert.Equal(JobState.Succeeded, (await cluster.WaitAsync("outage", s => s.State.IsTerminal())).State);
    }

    [Fact]
    public async Task Images_read_while_their_server_answers_503_briefly_are_retried_and_labeled_and_a_404_is_still_an_error_row()
    {
        await using var cluster = await JobCluster.StartAsync(workers: true, silos: 1);
        // From the first read on, shorter than the retries (5, from 200 ms, exponential): a foreign host down for longer makes
        // error rows (ForeignHostEndToEndTests).
        using var server = new OutageServer(outage: TimeSpan.FromSeconds(2));
        var manifest = Path.Combine(TestDatasets.NewFolder("manifest"), "images.txt");
        File.WriteAllLines(manifest, Enumerable.Range(0, 12).Select(i => $"{server.Prefix}img-{i:D2}.jpg").Append($"{server.Prefix}gone.jpg"));
        var output = TestDatasets.NewFolder("out");

        Assert.True((await cluster.Job("http-outage").Submit(new JobSpec { Dataset = manifest, Output = output, ShardSize = 4, MaxFailedFraction = 0.5 })).Accepted);
        var done = await cluster.WaitAsync("http-outage", s => s.State.IsTerminal(), TimeSpan.FromSeconds(90));

        Assert.True(server.Refused > 0, "the server never answered 503: the test did not exercise an outage");
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal((12L, 1L), (done.ImagesSucceeded, done.ImagesFailed));
        var rows = await new LocalResultStore(output, StorageResilience.Create()).ReadRowsAsync("http-outage", CancellationToken.None).ToListAsync();
        Assert.Equal(13, rows.Count);
        var error = Assert.Single(rows, r => r.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Contains("gone.jpg", error);
        Assert.Contains("404", error);
    }

    /// <summary>
    /// An http server on loopback that answers 503 to everything for some seconds from its first request (however long the
    /// job took to plan on a loaded machine), then serves any img-*.jpg (404 otherwise).
    /// </summary>
    private sealed class OutageServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly TimeSpan _outage;
        private DateTimeOffset? _upAt;
        private int _refused;

        public OutageServer(TimeSpan outage)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Prefix = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _outage = outage;
            _ = ServeAsync();
        }

        public string Prefix { get; }

        public int Refused => Volatile.Read(ref _refused);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                using var response = context.Response;
                // One request at a time (this loop), so the first one starts the outage without a race.
                _upAt ??= DateTimeOffset.UtcNow + _outage;
                if (DateTimeOffset.UtcNow < _upAt)
                {
                    Interlocked.Increment(ref _refused);
                    response.StatusCode = 503;
                }
                else if (context.Request.Url!.AbsolutePath.StartsWith("/img-", StringComparison.Ordinal))
                {
                    await response.OutputStream.WriteAsync(new byte[] { 0xFF, 0xD8, 0x01, 0xFF, 0xD9 });
                }
                else
                {
                    response.StatusCode = 404;
                }
            }
        }

        public void Dispose() => _listener.Close();
    }
}
