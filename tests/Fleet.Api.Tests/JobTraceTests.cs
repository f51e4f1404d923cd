using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>
/// One job is one trace: the API's server span of POST /jobs, the job grain's planning and each shard a worker runs
/// (and its part commit) share the trace id, across the Orleans gateway (activity propagation on client and silo).
/// An in-process listener records the spans; the request carries a traceparent of the test's, so only this job's
/// spans match whatever else the process runs.
/// </summary>
public sealed class JobTraceTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly ConcurrentBag<Activity> _spans = [];
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name is "Fleet" or "Microsoft.AspNetCore" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    [Fact]
    public async Task POST_jobs_is_the_root_of_the_job_s_trace_down_to_its_part_commits()
    {
        _listener.ActivityStopped = _spans.Add;
        ActivitySource.AddActivityListener(_listener);
        var folder = TestPaths.NewTempFolder("trace-photos");
        foreach (var photo in Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(4))
            File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        var trace = ActivityTraceId.CreateRandom();
        var client = api.Client();
        client.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        var jobId = $"api-trace-{trace}"[..24];
        var response = await client.PostAsJsonAsync("/jobs", new { jobId, dataset = folder, output = TestPaths.NewTempFolder("trace-out"), shardSize = 2, captions = false });
        response.EnsureSuccessStatusCode();
        var status = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>(jobId), TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Succeeded, status.State);

        // A worker's shard span ends after its report, which may be what finished the job: give the last one a moment.
        using var settle = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (ShardsOf(trace).Count < 2 && !settle.IsCancellationRequested)
            await Task.Delay(20);
        var ours = _spans.Where(s => s.TraceId == trace).ToList();
        Assert.Contains(ours, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Contains(ours, s => s.Source.Name == "Fleet" && s.OperationName == "plan");
        Assert.Equal(2, ShardsOf(trace).Count);
        Assert.Equal(2, ours.Count(s => s.Source.Name == "Fleet" && s.OperationName == "commit part"));
    }

    private List<object?> ShardsOf(ActivityTraceId trace) =>
        [.. _spans.Where(s => s.TraceId == trace && s.Source.Name == "Fleet" && s.OperationName == "shard").Select(s => s.GetTagItem("fleet.shard")).Distinct()];

    public void Dispose() => _listener.Dispose();
}
