using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests;

/// <summary>The configuration path Azure uses: service URIs and a credential, for clustering, grain state, reminders, datasets and outputs.</summary>
public sealed class IdentityStorageTests(IdentityFleetFixture fleet) : IClassFixture<IdentityFleetFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task A_job_submitted_to_the_api_runs_on_a_silo_reached_through_storage_by_service_uri_and_its_rows_land_in_blob_storage()
    {
        // The silo built its clients from the service URIs, not from a connection string.
        var siloAccount = fleet.SiloServices.GetRequiredService<StorageAccount>();
        Assert.Null(siloAccount.ConnectionString);
        Assert.Equal(fleet.Azurite.BlobEndpoint.AbsoluteUri.TrimEnd('/'), siloAccount.Blobs.Uri.AbsoluteUri.TrimEnd('/'));

        // A blob dataset in the same account, written with clients from the same settings.
        var account = StorageAccount.Create(fleet.Settings);
        var datasets = account.Blobs.GetBlobContainerClient("datasets");
        await datasets.CreateIfNotExistsAsync();
        var photos = Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(5).ToList();
        foreach (var photo in photos)
            await datasets.GetBlobClient($"photos/{Path.GetFileName(photo)}").UploadAsync(photo, overwrite: true);
        var output = $"{fleet.Azurite.BlobEndpoint}/results/identity";

        var client = fleet.Client();
        var submit = await client.PostAsJsonAsync("/jobs", new { jobId = "identity-job", dataset = $"{datasets.Uri}/photos/", output, shardSize = 2 });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);

        // The event stream ends by itself when the job ends; its last event is the final status.
        var events = await client.GetStringAsync("/jobs/identity-job/events");
        var last = events.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        var final = JsonSerializer.Deserialize<JobStatus>(last, Json)!;
        Assert.True(final.State == JobState.Succeeded, final.Reason);
        Assert.Equal((5, 5, 3), (final.ImagesTotal, final.ImagesSucceeded, final.ShardsTotal));

        // Every photo is in exactly one labeled row, in blob storage.
        var store = new ResultStoreFactory(account, StorageResilience.Create()).Create(output);
        var rows = new List<JsonElement>();
        await foreach (var line in store.ReadRowsAsync("identity-job", default))
            rows.Add(JsonDocument.Parse(line).RootElement);
        Assert.Equal(
            photos.Select(p => $"{datasets.Uri}/photos/{Path.GetFileName(p)}").Order(StringComparer.Ordinal),
            rows.Select(r => r.GetProperty("uri").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.True(r.GetProperty("labels").GetArrayLength() > 0));
        Assert.True(await account.Blobs.GetBlobContainerClient("results").GetBlobClient($"identity/identity-job/{ResultLayout.SuccessMarker}").ExistsAsync());

        // Orleans' own state went the same way: membership (clustering), reminders and grain state.
        var tables = new List<string>();
        await foreach (var table in account.Tables.QueryAsync())
            tables.Add(table.Name);
        Assert.Contains("OrleansSiloInstances", tables);
        Assert.Contains(tables, t => t.Contains("Reminder", StringComparison.OrdinalIgnoreCase));
        var containers = new List<string>();
        await foreach (var container in account.Blobs.GetBlobContainersAsync())
            containers.Add(container.Name);
        Assert.Contains(containers, c => c.Contains("grainstate", StringComparison.OrdinalIgnoreCase));
    }
}
