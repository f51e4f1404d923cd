using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Fleet.Development;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fleet.AppHost.Tests;

/// <summary>
/// The fleet as a user sees it: the AppHost with its dashboard, a job running, and the dashboard opened in chromium by
/// dashboard/check-dashboard.mjs (puppeteer-core). Then the dashboard's cancel and resume commands act on that job.
/// Screenshots go to FLEET_DASHBOARD_SCREENSHOTS when set (docs/dashboard.png is one), else to a temp folder.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Key = "apphost-test-key-0123456789";
    private const string JobId = "dashboard-job";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [ChromiumFact]
    public async Task During_a_job_the_dashboard_shows_the_silos_and_API_running_the_Fleet_metrics_per_silo_and_cancel_and_resume_act_on_the_job()
    {
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(Timeout);
        Environment.SetEnvironmentVariable("FLEET_API_KEY", Key);
        Environment.SetEnvironmentVariable("FLEET_MODEL_MIRROR", TestPaths.ModelMirror);
        var ports = FreePorts.Take(3);
        var browserToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Fleet_AppHost>(
            [
                $"--Fleet:AzuriteLocation={TestPaths.NewTempFolder("aspire-azurite")}",
                // The test's photos are a temp folder: the silos' intake policy must allow it.
                $"--Fleet:Intake:LocalRoots:0={TestPaths.TempRoot}",
                // The dashboard on loopback ports of its own (a developer's fleet may hold the launch profile's).
                $"--ASPNETCORE_URLS=http://127.0.0.1:{ports[0]}",
                $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:{ports[1]}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{ports[2]}",
                $"--ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN={browserToken}",
            ],
            (options, _) =>
            {
                options.DisableDashboard = false;
                options.AllowUnsecuredTransport = true;
            }, cts.Token);
        await using var app = await appHost.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        // The testing builder moves every endpoint to a random port, the dashboard's too: ask for the one it got.
        var dashboard = app.GetEndpoint("aspire-dashboard", "http").ToString().TrimEnd('/');
        output.WriteLine($"fleet up after {clock.Elapsed.TotalSeconds:0} s; dashboard {dashboard}");

        // 500 photos with captions: minutes of work on a laptop, so the job is still running while the browser looks.
        var photos = TestPaths.NewTempFolder("dashboard-photos");
        try
        {
            foreach (var copy in Enumerable.Range(0, 5))
            foreach (var photo in Directory.GetFiles(TestPaths.ImageNetSample))
                File.Copy(photo, Path.Combine(photos, $"{copy}-{Path.GetFileName(photo)}"));
            var results = $"http://127.0.0.1:{app.GetEndpoint("azurite", "blob").Port}/devstoreaccount1/dashboard-results";
            using var api = app.CreateHttpClient("api");
            api.DefaultRequestHeaders.Add("X-Api-Key", Key);
            var submit = await api.PostAsJsonAsync("/jobs",
                new { jobId = JobId, dataset = photos, output = results, shardSize = 4, captioner = "fleet-caption-gpt2-small" }, cts.Token);
            Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
            // Both silos have committed shards, so each has exported its Fleet measurements.
            await WaitForAsync(api, s => s.ShardsDone >= 4, cts.Token);

            var report = await CheckDashboardAsync(dashboard, browserToken, cts.Token);
            Assert.Null(report.TryGetProperty("error", out var error) ? error.GetString() : null);
            var resources = report.GetProperty("resources").EnumerateArray()
                .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("state").GetString());
            Assert.Equal("Running", resources["api"]);
            var silos = resources.Where(r => r.Key.StartsWith("silo-", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, silos.Count);
            Assert.All(silos, s => Assert.Equal("Running", s.Value));
            Assert.Equal(["Submit the sample job", "Cancel a job", "Resume a job", "Open a job's results"], report.GetProperty("apiCommands").EnumerateArray().Select(c => c.GetString()));
            var fleetInstruments = report.GetProperty("meters").GetProperty("Fleet").EnumerateArray().Select(i => i.GetString()).ToList();
            Assert.Contains("fleet.images.labeled", fleetInstruments);
            Assert.Contains("fleet.shards.committed", fleetInstruments);
            Assert.Contains("fleet.leases.active", fleetInstruments);
            // Per-silo throughput: one fleet.silo value per replica, each naming one of the silo resources.
            var siloValues = report.GetProperty("siloFilter").EnumerateArray().Select(v => v.GetString()!).ToList();
            Assert.Equal(2, siloValues.Count);
            Assert.All(siloValues, v => Assert.Contains(silos, s => s.Key.EndsWith(v, StringComparison.Ordinal)));
            var during = await api.GetFromJsonAsync<JsonElement>($"/jobs/{JobId}", cts.Token);
            Assert.Equal("Running", during.GetProperty("state").GetString());

            // The dashboard's commands, run the way the dashboard runs them: cancel stops the job, resume carries on.
            var commands = app.Services.GetRequiredService<ResourceCommandService>();
            var cancelled = await commands.ExecuteCommandAsync("api", JobCommands.Cancel, JobArgument(JobId), cts.Token);
            Assert.True(cancelled.Success, cancelled.Message);
            var atCancel = await api.GetFromJsonAsync<JsonElement>($"/jobs/{JobId}", cts.Token);
            Assert.Equal("Cancelled", atCancel.GetProperty("state").GetString());
            var unknown = await commands.ExecuteCommandAsync("api", JobCommands.Resume, JobArgument("no-such-job"), cts.Token);
            Assert.False(unknown.Success);
            Assert.Contains("404", unknown.Message);

            // The results command links to the job's page by a signed link that a browser (no key) can open.
            var resultsCommand = await commands.ExecuteCommandAsync("api", JobCommands.Results, JobArgument(JobId), cts.Token);
            Assert.True(resultsCommand.Success, resultsCommand.Message);
            var pageUrl = System.Text.RegularExpressions.Regex.Match(resultsCommand.Data!.Value, @"\((http[^)\s]+/jobs/dashboard-job/page\?link=[^)\s]+)\)").Groups[1].Value;
            using (var keyless = new HttpClient())
            {
                var resultsPage = await keyless.GetAsync(pageUrl, cts.Token);
                Assert.True(resultsPage.IsSuccessStatusCode, $"{pageUrl}: {resultsPage.StatusCode}");
            }

            var resumed = await commands.ExecuteCommandAsync("api", JobCommands.Resume, JobArgument(JobId), cts.Token);
            Assert.True(resumed.Success, resumed.Message);
            var shardsAtCancel = atCancel.GetProperty("shardsDone").GetInt32();
            var after = await WaitForAsync(api, s => s.ShardsDone > shardsAtCancel + 1 || s.State is not ("Planning" or "Running"), cts.Token);
            Assert.Equal("Running", after.State);
            output.WriteLine($"cancelled at {shardsAtCancel} shards, resumed, {after.ShardsDone} shards done; {clock.Elapsed.TotalSeconds:0} s in all");
            await api.PostAsync($"/jobs/{JobId}/cancel", null, CancellationToken.None);
        }
        finally
        {
            Directory.Delete(photos, recursive: true);
        }
    }

    private async Task<JsonElement> CheckDashboardAsync(string dashboard, string token, CancellationToken cancellationToken)
    {
        var screenshots = Environment.GetEnvironmentVariable("FLEET_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : TestPaths.NewTempFolder("dashboard-screenshots");
        output.WriteLine($"screenshots in {screenshots}");
        return await NodeScript.RunAsync(Path.Combine("tests", "Fleet.AppHost.Tests", "dashboard", "check-dashboard.mjs"),
            ["--url", dashboard, "--token", token, "--out", screenshots, "--silos", "2", "--timeout", "60000", "--chromium", ChromiumFactAttribute.ChromiumPath],
            output, cancellationToken);
    }

    private static async Task<(string State, int ShardsDone)> WaitForAsync(HttpClient api, Func<(string State, int ShardsDone), bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await api.GetFromJsonAsync<JsonElement>($"/jobs/{JobId}", cancellationToken);
            var state = (status.GetProperty("state").GetString()!, status.GetProperty("shardsDone").GetInt32());
            if (done(state))
                return state;
            await Task.Delay(500, cancellationToken);
        }
    }

    private static InteractionInputCollection JobArgument(string jobId) =>
        new([new InteractionInput { Name = JobCommands.JobArgument, InputType = InputType.Choice, Value = jobId }]);
}
