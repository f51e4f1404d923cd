using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>The real API and silo with a registry that keeps 10 jobs per owner, so a flood is a few cheap jobs.</summary>
public sealed class SmallRegistryApiFixture() : ApiFixture(new Dictionary<string, string?> { ["Fleet:Jobs:Registry:MaxJobsPerOwner"] = SmallRegistryApiFixture.Cap.ToString() })
{
    public const int Cap = 10;
}

/// <summary>
/// The API addresses exactly what the registry keeps, and pages through all of it: one owner's flood forgets only that
/// owner's oldest ended jobs, never another owner's, and every kept job is on a page and answers 200.
/// </summary>
public sealed partial class RegistryPagingApiTests(SmallRegistryApiFixture api) : IClassFixture<SmallRegistryApiFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>A real job that ends at once (an empty folder: planning finds no image and the job fails with the reason).</summary>
    private async Task SubmitAndEndAsync(HttpClient client, string owner, string id)
    {
        var response = await client.PostAsJsonAsync("/jobs", new { jobId = id, dataset = TestPaths.NewTempFolder("empty-dataset"), output = TestPaths.NewTempFolder("paging-out"), captions = false });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>(JobIds.Key(owner, id)), TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Failed, final.State);
    }

    private static async Task<List<string>> AllPagesAsync(HttpClient client, int limit)
    {
        var ids = new List<string>();
        string? next = $"/jobs?limit={limit}";
        while (next is not null)
        {
            var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<JobStatus[]>(Json))!;
            Assert.InRange(page.Length, 1, limit);
            ids.AddRange(page.Select(j => j.JobId));
            next = response.Headers.TryGetValues("Link", out var links) ? NextLink().Match(links.Single()).Groups[1].Value : null;
        }
        return ids;
    }

    [Fact]
    public async Task A_flood_of_one_owners_jobs_leaves_the_others_reachable_and_every_kept_job_is_paged_and_answers()
    {
        var (alice, bob, ops) = (api.ClientOf("alice"), api.ClientOf("bob"), api.ClientOf("ops"));
        await SubmitAndEndAsync(alice, "alice", "alice-kept");
        await SubmitAndEndAsync(bob, "bob", "bob-oldest");
        var flood = Enumerable.Range(0, SmallRegistryApiFixture.Cap + 4).Select(i => $"flood-{i:D2}").ToList();
        foreach (var id in flood)
            await SubmitAndEndAsync(bob, "bob", id);
        // The registry hears of an ended job one-way: wait until it has forgotten what is over bob's cap.
        var registry = api.Silo.Client.GetGrain<IJobRegistryGrain>(0);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while ((await registry.GetJobs("bob", null, 100)).Keys.Count > SmallRegistryApiFixture.Cap)
                await Task.Delay(50, wait.Token);

        // Alice's job is untouched by bob's flood.
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs/alice-kept")).StatusCode);
        Assert.Equal(["alice-kept"], await AllPagesAsync(alice, 3));

        // Bob keeps exactly his newest 10, newest first across pages, each one answering; the older ones answer 404,
        // like the registry (no job the registry keeps is 404, none it forgot is 200).
        var bobs = await AllPagesAsync(bob, 3);
        var kept = flood.TakeLast(SmallRegistryApiFixture.Cap).Reverse().ToList();
        Assert.Equal(kept, bobs);
        foreach (var id in kept)
        {
            Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/jobs/{id}")).StatusCode);
            Assert.True(await registry.Knows(JobIds.Key("bob", id)));
        }
        foreach (var id in flood.Take(4).Append("bob-oldest"))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/jobs/{id}")).StatusCode);
            Assert.False(await registry.Knows(JobIds.Key("bob", id)));
        }

        // An admin pages through every owner's kept jobs, nothing twice.
        var everyone = await AllPagesAsync(ops, 4);
        Assert.Equal(everyone.Count, everyone.Distinct().Count());
        Assert.Contains("alice~alice-kept", everyone);
        Assert.Equal(kept.Select(id => $"bob~{id}"), everyone.Where(id => id.StartsWith("bob~", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_cursor_that_is_not_one_is_400_naming_it()
    {
        var response = await api.ClientOf("alice").GetAsync("/jobs?cursor=-3");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cursor", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("^<([^>]+)>; rel=\"next\"$")]
    private static partial Regex NextLink();
}
