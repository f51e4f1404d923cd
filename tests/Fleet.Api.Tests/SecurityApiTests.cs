using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Testing;

namespace Fleet.Api.Tests;

public sealed class SecurityApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-0123456789abcdef")]
    public async Task Reads_without_the_right_key_are_401(string? key)
    {
        var client = api.Client(key);

        var list = await client.GetAsync("/jobs");
        var one = await client.GetAsync("/jobs/any");
        var events = await client.GetAsync("/jobs/any/events");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], new[] { list.StatusCode, one.StatusCode, events.StatusCode });
    }

    [Fact]
    public async Task A_local_dataset_outside_the_allowed_roots_is_400_without_its_content()
    {
        var outside = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"fleet-outside-{Guid.NewGuid():N}")).FullName;
        var secrets = Path.Combine(outside, "secrets.csv");
        await File.WriteAllTextAsync(secrets, "TOPSECRET-HEADER,x\n1,2\n");
        try
        {
            var dataset = await api.Client().PostAsJsonAsync("/jobs", new { dataset = secrets, output = TestPaths.NewTempFolder("out") });
            var output = await api.Client().PostAsJsonAsync("/jobs", new { dataset = TestPaths.ImageNetSample, output = outside });

            Assert.Equal(HttpStatusCode.BadRequest, dataset.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, output.StatusCode);
            var body = await dataset.Content.ReadAsStringAsync();
            Assert.DoesNotContain("TOPSECRET", body);
            Assert.Contains("Fleet:Intake:LocalRoots", body);
            Assert.Contains("Fleet:Intake:LocalRoots", await output.Content.ReadAsStringAsync());
            Assert.Empty(Directory.GetDirectories(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task A_manifest_in_the_fleets_own_job_container_is_400()
    {
        var blob = $"{api.Silo.Azurite.BlobEndpoint}/fleet-jobs/x/shards/000000.json.txt";

        var response = await api.Client().PostAsJsonAsync("/jobs", new { dataset = blob, output = TestPaths.NewTempFolder("out") });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Fleet:Intake:BlobContainers", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Large_bodies_long_uris_and_large_list_limits_are_bounded()
    {
        var client = api.Client();

        var body = await client.PostAsync("/jobs", new StringContent($"{{\"dataset\":\"{new string('a', 100_000)}\"}}", System.Text.Encoding.UTF8, "application/json"));
        var uri = await client.GetAsync($"/jobs/{new string('a', 5000)}");
        var list = await client.GetAsync("/jobs?limit=100000");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, uri.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True((await list.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() <= 100);
    }

    [Fact]
    public async Task An_id_that_is_no_job_id_is_404_without_echoing_it()
    {
        var response = await api.Client().GetAsync("/jobs/%3Cscript%3E");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("script", await response.Content.ReadAsStringAsync());
    }
}
