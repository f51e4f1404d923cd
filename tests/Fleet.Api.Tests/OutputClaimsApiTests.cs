using System.Net;
using System.Net.Http.Json;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>A job's output folder, {output}/{job}/, is that job's: no other job writes into it, beneath it or around it.</summary>
public sealed class OutputClaimsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static object Spec(string jobId, string output) =>
        new { jobId, dataset = OnePhoto(), output, captions = false };

    private static string OnePhoto()
    {
        var folder = TestPaths.NewTempFolder("claim-photos");
        var photo = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First();
        File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        return folder;
    }

    [Fact]
    public async Task A_job_named_errors_inside_another_jobs_folder_is_refused_naming_the_clash()
    {
        var output = TestPaths.NewTempFolder("claims-out");
        var client = api.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/jobs", Spec("victim", output))).StatusCode);

        // Its parts would land exactly on victim/errors/part-N.jsonl.
        var errors = await client.PostAsJsonAsync("/jobs", Spec("errors", Path.Combine(output, "victim")));
        // Anyone's job beneath the claim, and one whose folder holds the claim, are refused too.
        var beneath = await api.ClientOf("alice").PostAsJsonAsync("/jobs", Spec("inside", Path.Combine(output, "victim", "deeper")));
        var around = await client.PostAsJsonAsync("/jobs", Spec(Path.GetFileName(output), Path.GetDirectoryName(output)!));
        // A sibling in the same output is its own folder: no clash.
        var sibling = await client.PostAsJsonAsync("/jobs", Spec("sibling", output));

        Assert.Equal(HttpStatusCode.BadRequest, errors.StatusCode);
        var body = await errors.Content.ReadAsStringAsync();
        Assert.Contains("\"output\"", body);
        Assert.Contains("the folder of another job", body);
        Assert.Contains(Path.Combine(output, "victim") + "/", body);
        Assert.Equal(HttpStatusCode.BadRequest, beneath.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, around.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, sibling.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(output, "victim", "errors", "errors")));
    }

    [Fact]
    public async Task A_blob_output_inside_another_jobs_folder_is_refused_however_it_is_spelled()
    {
        var results = $"{api.Silo.Azurite.BlobEndpoint}/claims";
        var client = api.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/jobs", Spec("blob-victim", results))).StatusCode);

        var plain = await client.PostAsJsonAsync("/jobs", Spec("errors", $"{results}/blob-victim"));
        var slashed = await client.PostAsJsonAsync("/jobs", Spec("errors2", $"{results}/blob-victim/"));
        var upperHost = await client.PostAsJsonAsync("/jobs", Spec("errors3", $"{results}/blob-victim".Replace("127.0.0.1", "127.0.0.1", StringComparison.Ordinal).Replace("http://", "HTTP://", StringComparison.Ordinal)));

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], new[] { plain.StatusCode, slashed.StatusCode, upperHost.StatusCode });
        Assert.Contains("the folder of another job", await plain.Content.ReadAsStringAsync());
    }
}
