using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>Every job has an owner: named keys are principals, each sees and touches only its own jobs, admins all.</summary>
public sealed class OwnersApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static object Spec(string jobId, string output) =>
        new { jobId, dataset = OnePhoto(), output, captions = false };

    private static string OnePhoto()
    {
        var folder = TestPaths.NewTempFolder("owner-photos");
        var photo = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First();
        File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        return folder;
    }

    [Fact]
    public async Task Two_named_keys_are_each_blind_to_the_others_jobs_and_neither_can_take_the_others_id()
    {
        var (alice, bob) = (api.ClientOf("alice"), api.ClientOf("bob"));
        var output = TestPaths.NewTempFolder("owners-out");

        // Both name the same id: each gets its own job, and bob learns nothing of alice's (no 409).
        var aliceSubmit = await alice.PostAsJsonAsync("/jobs", Spec("nightly", output));
        var bobSubmit = await bob.PostAsJsonAsync("/jobs", Spec("nightly", output));
        Assert.Equal(HttpStatusCode.Accepted, aliceSubmit.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, bobSubmit.StatusCode);
        Assert.Equal("/jobs/nightly", aliceSubmit.Headers.Location?.ToString());
        Assert.Equal("nightly", (await aliceSubmit.Content.ReadFromJsonAsync<JobStatus>(Json))!.JobId);

        // A job of alice's that bob does not share an id with: everything bob may do to it is 404, like no job at all.
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsJsonAsync("/jobs", Spec("alice-only", output))).StatusCode);
        foreach (var id in new[] { "alice-only", "alice~alice-only" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/jobs/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/jobs/{id}/events")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/jobs/{id}/cancel", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/jobs/{id}/resume", null)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync("/jobs/alice~nightly")).StatusCode);

        var aliceList = (await alice.GetFromJsonAsync<JobStatus[]>("/jobs?limit=100", Json))!.Select(j => j.JobId).ToList();
        var bobList = (await bob.GetFromJsonAsync<JobStatus[]>("/jobs?limit=100", Json))!.Select(j => j.JobId).ToList();
        Assert.Equal(["alice-only", "nightly"], aliceList.Order(StringComparer.Ordinal));
        Assert.Equal(["nightly"], bobList);

        // Both jobs run to the end, each into a folder of its own under the shared output.
        var aliceFinal = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>("alice~nightly"), TimeSpan.FromMinutes(2));
        var bobFinal = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>("bob~nightly"), TimeSpan.FromMinutes(2));
        Assert.Equal((JobState.Succeeded, JobState.Succeeded), (aliceFinal.State, bobFinal.State));
        Assert.True(File.Exists(Path.Combine(output, "alice~nightly", "_SUCCESS.json")));
        Assert.True(File.Exists(Path.Combine(output, "bob~nightly", "_SUCCESS.json")));
        var bobsView = await bob.GetFromJsonAsync<JobStatus>("/jobs/nightly", Json);
        Assert.Equal(("nightly", JobState.Succeeded), (bobsView!.JobId, bobsView.State));
    }

    [Fact]
    public async Task An_admin_sees_every_owners_jobs_by_owner_and_id_and_may_act_on_them()
    {
        var output = TestPaths.NewTempFolder("owners-out");
        Assert.Equal(HttpStatusCode.Accepted, (await api.ClientOf("alice").PostAsJsonAsync("/jobs", Spec("for-admin", output))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await api.Client().PostAsJsonAsync("/jobs", Spec("default-job", output))).StatusCode);

        var ops = api.ClientOf("ops");
        var listed = (await ops.GetFromJsonAsync<JobStatus[]>("/jobs?limit=100", Json))!.Select(j => j.JobId).ToList();
        Assert.Contains("alice~for-admin", listed);
        Assert.Contains("default~default-job", listed);
        var status = await ops.GetFromJsonAsync<JobStatus>("/jobs/alice~for-admin", Json);
        Assert.Equal("alice~for-admin", status!.JobId);
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/jobs/default~default-job")).StatusCode);
        // The default key is an admin too (the local fleet keeps working) and sees alice's job the same way.
        Assert.Equal(HttpStatusCode.OK, (await api.Client().GetAsync("/jobs/alice~for-admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Client().GetAsync("/jobs/default-job")).StatusCode);
        // ops's own namespace has no such plain id.
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync("/jobs/for-admin")).StatusCode);
    }

    [Fact]
    public async Task A_reader_may_list_and_read_its_own_but_not_submit_resume_or_cancel()
    {
        var carol = api.ClientOf("carol");

        var submit = await carol.PostAsJsonAsync("/jobs", Spec("carol-job", TestPaths.NewTempFolder("owners-out")));
        var cancel = await carol.PostAsync("/jobs/carol-job/cancel", null);
        var list = await carol.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Empty((await list.Content.ReadFromJsonAsync<JobStatus[]>(Json))!);
    }

    [Fact]
    public async Task A_job_id_naming_an_owner_is_400_so_no_one_submits_into_anothers_namespace()
    {
        var response = await api.ClientOf("bob").PostAsJsonAsync("/jobs", Spec("alice~planned", TestPaths.NewTempFolder("owners-out")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(JobIds.Rule, await response.Content.ReadAsStringAsync());
    }
}
