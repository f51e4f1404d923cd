using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>What a job is told back never carries a secret it sent: no SAS in a 400, no user info or resolved address in a row.</summary>
public sealed class SecretsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Sas = "sv=2024-08-04&sr=c&sp=rl&sig=SECRETSIG0123";

    [Fact]
    public async Task A_refused_dataset_or_output_is_400_without_its_sas()
    {
        var account = api.Silo.Azurite.BlobEndpoint;
        var cases = new[]
        {
            new { dataset = $"{account}?{Sas}", output = TestPaths.NewTempFolder("out") },
            new { dataset = $"{account}/missing-container/list.txt?{Sas}", output = TestPaths.NewTempFolder("out") },
            new { dataset = TestPaths.ImageNetSample, output = $"{account}?{Sas}" },
            new { dataset = $"{account}/fleet-jobs/x/?{Sas}", output = TestPaths.NewTempFolder("out") },
        };
        foreach (var spec in cases)
        {
            var response = await api.Client().PostAsJsonAsync("/jobs", new { spec.dataset, spec.output, captions = false });

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
            Assert.DoesNotContain("SECRETSIG", body);
        }
    }

    [Fact]
    public async Task Rows_of_refused_lines_name_neither_user_info_nor_the_address_a_name_resolved_to()
    {
        var folder = TestPaths.NewTempFolder("secret-lines");
        var manifest = Path.Combine(folder, "list.txt");
        await File.WriteAllTextAsync(manifest, "http://localhost:9/a.jpg\nhttp://reader:hunter2pw@example.invalid/b.jpg\n");
        var output = TestPaths.NewTempFolder("secret-lines-out");

        var submit = await api.Client().PostAsJsonAsync("/jobs", new { jobId = "secret-lines", dataset = manifest, output, captions = false, maxFailedFraction = 1.0 });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>(JobIds.Key(JobIds.DefaultOwner, "secret-lines")), TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Succeeded, final.State);
        var rows = Directory.GetFiles(Path.Combine(output, JobIds.Key(JobIds.DefaultOwner, "secret-lines"), "errors"), "part-*.jsonl")
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(r => r.GetProperty("uri").GetString()!, r => r.GetProperty("error").GetString()!);
        Assert.Equal(["http://example.invalid/b.jpg", "http://localhost:9/a.jpg"], rows.Keys.Order(StringComparer.Ordinal));
        var text = string.Join("\n", rows.Select(r => $"{r.Key} {r.Value}"));
        Assert.DoesNotContain("hunter2pw", text);
        Assert.DoesNotContain("127.0.0.1", text);
        Assert.StartsWith("policy:", rows["http://localhost:9/a.jpg"]);
    }
}
