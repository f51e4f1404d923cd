using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>
/// Each principal reads and writes only where its settings say (Fleet:Api:Keys:{name}:Datasets|Outputs, else
/// Fleet:Api:Roles:{role}:...); admins are limited by the fleet's policy alone.
/// </summary>
public sealed class PrincipalScopeApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string DanaKey = "dana-key-0123456789abcdef";

    private (HttpClient Dana, HttpClient Bob, HttpClient Ops, string DanaData, string DanaOut, string SubmitterOut) Scoped()
    {
        var danaData = TestPaths.NewTempFolder("dana-data");
        var danaOut = TestPaths.NewTempFolder("dana-out");
        var submitterOut = TestPaths.NewTempFolder("submitters-out");
        var factory = api.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Fleet:Api:Keys:dana:Key", DanaKey);
            web.UseSetting("Fleet:Api:Keys:dana:Role", "submitter");
            web.UseSetting("Fleet:Api:Keys:dana:Datasets:0", danaData);
            web.UseSetting("Fleet:Api:Keys:dana:Datasets:1", $"{api.Silo.Azurite.BlobEndpoint}/team-dana");
            web.UseSetting("Fleet:Api:Keys:dana:Outputs:0", danaOut);
            web.UseSetting("Fleet:Api:Keys:dana:Outputs:1", $"{api.Silo.Azurite.BlobEndpoint}/dana-out");
            // Every other submitter (bob, and any Entra principal with Fleet.Submit): one output folder.
            web.UseSetting("Fleet:Api:Roles:submitter:Outputs:0", submitterOut);
        });
        HttpClient Client(string key)
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, key);
            return client;
        }
        return (Client(DanaKey), Client(ApiFixture.Team["bob"].Key), Client(ApiFixture.Team["ops"].Key), danaData, danaOut, submitterOut);
    }

    private static string PhotoIn(string folder)
    {
        var photo = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).First();
        var copy = Path.Combine(folder, Path.GetFileName(photo));
        File.Copy(photo, copy, overwrite: true);
        return copy;
    }

    [Fact]
    public async Task A_dataset_or_output_outside_a_keys_places_is_400_naming_the_setting()
    {
        var (dana, _, _, danaData, danaOut, _) = Scoped();
        PhotoIn(danaData);
        var elsewhere = TestPaths.NewTempFolder("not-danas");
        PhotoIn(elsewhere);
        var account = api.Silo.Azurite.BlobEndpoint;

        var foreignOutput = await dana.PostAsJsonAsync("/jobs", new { dataset = danaData, output = $"{account}/team-bob", captions = false });
        var foreignDataset = await dana.PostAsJsonAsync("/jobs", new { dataset = elsewhere, output = danaOut, captions = false });
        var lookalike = await dana.PostAsJsonAsync("/jobs", new { dataset = danaData, output = $"{account}/dana-outside", captions = false });
        var own = await dana.PostAsJsonAsync("/jobs", new { dataset = danaData, output = $"{account}/dana-out/nightly", captions = false });

        Assert.Equal(HttpStatusCode.BadRequest, foreignOutput.StatusCode);
        Assert.Contains("Fleet:Api:Keys:dana:Outputs", await foreignOutput.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, foreignDataset.StatusCode);
        Assert.Contains("Fleet:Api:Keys:dana:Datasets", await foreignDataset.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, lookalike.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
    }

    [Fact]
    public async Task A_manifest_line_outside_the_keys_places_is_an_error_row_and_the_rest_is_labelled()
    {
        var (dana, _, _, danaData, danaOut, _) = Scoped();
        var inside = PhotoIn(danaData);
        var outside = PhotoIn(TestPaths.NewTempFolder("not-danas"));
        var manifest = Path.Combine(danaData, "list.txt");
        await File.WriteAllTextAsync(manifest, $"{inside}\n{outside}\n");

        var submit = await dana.PostAsJsonAsync("/jobs", new { jobId = "lines", dataset = manifest, output = danaOut, captions = false, maxFailedFraction = 1.0 });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var final = await FleetSiloFixture.WaitAsync(api.Silo.Client.GetGrain<IJobGrain>(JobIds.Key("dana", "lines")), TimeSpan.FromMinutes(2));

        Assert.Equal((JobState.Succeeded, 1L, 1L), (final.State, final.ImagesSucceeded, final.ImagesFailed));
        var error = File.ReadAllLines(Directory.GetFiles(Path.Combine(danaOut, JobIds.Key("dana", "lines"), "errors")).Single()).Single();
        var row = JsonDocument.Parse(error).RootElement;
        Assert.Equal(new Uri(outside).AbsoluteUri, row.GetProperty("uri").GetString());
        Assert.StartsWith("policy:", row.GetProperty("error").GetString());
        Assert.Contains("Fleet:Api:Keys:dana:Datasets", row.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_role_limits_keys_without_places_of_their_own_and_an_admin_is_not_limited()
    {
        var (_, bob, ops, _, _, submitterOut) = Scoped();
        var photos = TestPaths.NewTempFolder("role-photos");
        PhotoIn(photos);
        var elsewhere = TestPaths.NewTempFolder("role-elsewhere");

        var outside = await bob.PostAsJsonAsync("/jobs", new { dataset = photos, output = elsewhere, captions = false });
        var inside = await bob.PostAsJsonAsync("/jobs", new { dataset = photos, output = submitterOut, captions = false });
        var admin = await ops.PostAsJsonAsync("/jobs", new { dataset = photos, output = elsewhere, captions = false });

        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("Fleet:Api:Roles:submitter:Outputs", await outside.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, inside.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, admin.StatusCode);
    }
}
