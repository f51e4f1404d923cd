using System.Net;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;

namespace Fleet.Storage.Tests.Security;

public sealed class BlobSecretsTests
{
    private static readonly Uri SasContainer = new("http://127.0.0.1:1/devstoreaccount1/data?sv=2024-08-04&sp=rl&sig=SECRETSIG");

    [Fact]
    public async Task A_refused_listing_and_descriptions_carry_no_sas()
    {
        var forbidden = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.Forbidden));
        var container = new BlobContainerClient(SasContainer, new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(forbidden)) });
        var lister = new BlobPrefixLister(container, "img/", StorageResilience.Create());

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));

        Assert.Contains("403", error.Message);
        Assert.DoesNotContain("SECRETSIG", error.Message);
        Assert.DoesNotContain("SECRETSIG", lister.Describe());
        Assert.DoesNotContain("SECRETSIG", new BlobResultStore(container, "out", StorageResilience.Create()).Describe());
    }

    [Fact]
    public async Task A_csv_manifest_without_a_uri_column_is_refused_without_quoting_its_header()
    {
        var folder = Fleet.Testing.TestPaths.NewTempFolder("csv-header");
        var path = Path.Combine(folder, "secrets.csv");
        await File.WriteAllTextAsync(path, "TOPSECRET,hunter2\n1,2\n");
        var lister = new ManifestFileLister(new Uri(path), ManifestFormat.Csv, null, new HttpClient(), StorageResilience.Create());

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => lister.EnsureExistsAsync(default));

        Assert.DoesNotContain("TOPSECRET", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }
}
