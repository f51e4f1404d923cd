using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Fleet.Storage;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Testing;

namespace Fleet.AppHost.Tests;

/// <summary>The whole local fleet as a user starts it: the real AppHost (Azurite, 2 silos, the API) under Aspire's DCP.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostEndToEndTests
{
    private const string Key = "apphost-test-key-0123456789";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task A_job_over_thirty_photos_submitted_through_the_API_ends_with_every_image_in_one_blob_row()
    {
        using var cts = new CancellationTokenSource(Timeout);
        Environment.SetEnvironmentVariable("FLEET_API_KEY", Key);
        Environment.SetEnvironmentVariable("FLEET_MODEL_MIRROR", TestPaths.ModelMirror);
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Fleet_AppHost>(
            [$"--Fleet:AzuriteLocation={TestPaths.NewTempFolder("aspire-azurite")}", $"--Fleet:Intake:LocalRoots:0={TestPaths.TempRoot}"], cts.Token);
        await using var app = await appHost.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);

        var photos = TestPaths.NewTempFolder("aspire-photos");
        foreach (var photo in Directory.GetFiles(TestPaths.ImageNetSample).Order(StringComparer.Ordinal).Take(30))
            File.Copy(photo, Path.Combine(photos, Path.GetFileName(photo)));
        var blob = app.GetEndpoint("azurite", "blob");
        var output = $"http://127.0.0.1:{blob.Port}/devstoreaccount1/aspire-results";

        using var api = app.CreateHttpClient("api");
        api.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var submit = await api.PostAsJsonAsync("/jobs", new { jobId = "aspire-30", dataset = photos, output, shardSize = 8 }, cts.Token);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);

        JsonElement status;
        do
        {
            await Task.Delay(500, cts.Token);
            status = await api.GetFromJsonAsync<JsonElement>("/jobs/aspire-30", cts.Token);
        }
        while (status.GetProperty("state").GetString() is "Planning" or "Running");

        Assert.Equal("Succeeded", status.GetProperty("state").GetString());
        var account = new StorageAccount(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{blob.Port}/devstoreaccount1;");
        var rows = await new ResultStoreFactory(account, StorageResilience.Create()).Create(output).ReadRowsAsync("aspire-30", cts.Token).ToListAsync(cts.Token);
        var uris = rows.Select(r => ResultRow.Parse(r).Uri).ToList();
        Assert.Equal(30, uris.Count);
        Assert.Equal(Directory.GetFiles(photos).Select(f => new Uri(f).AbsoluteUri).Order(StringComparer.Ordinal), uris.Order(StringComparer.Ordinal));
    }
}
