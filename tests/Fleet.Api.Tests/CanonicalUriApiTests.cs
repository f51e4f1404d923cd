using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using Fleet.Testing;

namespace Fleet.Api.Tests;

/// <summary>
/// A blob URI is canonical before any policy sees it: '..%2f' once passed the container check as 'datasets' and the
/// storage client then read (or wrote) the fleet's own grain state.
/// </summary>
public sealed class CanonicalUriApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_dataset_that_climbs_into_the_fleets_grain_state_with_an_encoded_slash_is_400_naming_why()
    {
        // Something for the climb to reach: a manifest-looking blob in the fleet's own grain state container.
        var blobs = new BlobServiceClient(api.Silo.Azurite.ConnectionString);
        var grainState = blobs.GetBlobContainerClient("grainstate");
        await grainState.CreateIfNotExistsAsync();
        await grainState.GetBlobClient("stolen.txt").UploadAsync(BinaryData.FromString("http://127.0.0.1:1/a.jpg\n"), overwrite: true);
        await blobs.GetBlobContainerClient("datasets").CreateIfNotExistsAsync();

        var azurite = $"{api.Silo.Azurite.BlobEndpoint}/datasets/..%2fgrainstate/stolen.txt";
        var azure = "https://acct.blob.core.windows.net/datasets/..%2fgrainstate/x";
        foreach (var dataset in new[] { azurite, azure, $"{api.Silo.Azurite.BlobEndpoint}/datasets/%2e%2e/grainstate/stolen.txt" })
        {
            var response = await api.Client().PostAsJsonAsync("/jobs", new { dataset, output = TestPaths.NewTempFolder("out"), captions = false });

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{dataset}: {(int)response.StatusCode} {body}");
            Assert.Contains("\"dataset\"", body);
            Assert.Matches("encoded separator|'\\.\\.' segment", body);
        }
    }

    [Fact]
    public async Task An_output_that_climbs_into_the_fleets_grain_state_is_400_and_writes_nothing_there()
    {
        var blobs = new BlobServiceClient(api.Silo.Azurite.ConnectionString);
        var grainState = blobs.GetBlobContainerClient("grainstate");
        await grainState.CreateIfNotExistsAsync();
        var before = await CountAsync(grainState, "planted/");

        var output = $"{api.Silo.Azurite.BlobEndpoint}/results/..%2Fgrainstate/planted";
        var response = await api.Client().PostAsJsonAsync("/jobs", new { jobId = "climb", dataset = TestPaths.ImageNetSample, output, captions = false });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"output\"", body);
        Assert.Contains("encoded separator", body);
        Assert.Equal(before, await CountAsync(grainState, "planted/"));
    }

    [Fact]
    public async Task User_info_in_a_dataset_uri_is_400_and_never_echoed()
    {
        var dataset = $"http://reader:hunter2-password@127.0.0.1:{api.Silo.Azurite.BlobPort}/devstoreaccount1/datasets/x.txt";

        var response = await api.Client().PostAsJsonAsync("/jobs", new { dataset, output = TestPaths.NewTempFolder("out"), captions = false });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("user info", body);
        Assert.DoesNotContain("hunter2", body);
    }

    private static async Task<int> CountAsync(BlobContainerClient container, string prefix)
    {
        var count = 0;
        await foreach (var _ in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
            count++;
        return count;
    }
}
