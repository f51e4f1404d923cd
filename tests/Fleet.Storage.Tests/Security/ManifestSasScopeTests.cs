using System.Collections.Concurrent;
using System.Net;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;
using Fleet.Testing;

namespace Fleet.Storage.Tests.Security;

/// <summary>A manifest's SAS is lent to its siblings in the same container, and to nothing else.</summary>
public sealed class ManifestSasScopeTests
{
    private const string Sas = "sv=2024-08-04&sr=c&sp=rl&sig=SECRETSIG";

    [Fact]
    public async Task Lines_on_another_host_or_in_another_container_are_fetched_without_the_manifests_sas()
    {
        var queries = new ConcurrentDictionary<string, string>();
        using var evil = new LoopbackHttpServer(context => Record(context, queries, "evil"));
        using var home = new LoopbackHttpServer(context =>
        {
            if (context.Request.Url!.AbsolutePath.EndsWith("/m.txt", StringComparison.Ordinal))
            {
                context.Response.OutputStream.Write(System.Text.Encoding.UTF8.GetBytes(
                    $"//127.0.0.1:{evil.Port}/devstoreaccount1/data/x.jpg\nsibling.jpg\n../other/y.jpg\nhttp://127.0.0.1:{evil.Port}/devstoreaccount1/data/z.jpg\n"));
                return;
            }
            Record(context, queries, "home");
        });
        var policy = new IntakePolicy(new IntakeOptions { AllowLoopback = true });
        var http = new HttpClient(policy.CreateHandler());
        var manifest = new Uri(home.Url($"devstoreaccount1/data/m.txt?{Sas}"));
        var lister = new ManifestFileLister(manifest, ManifestFormat.Text, null, http, StorageResilience.Create());
        var reader = new ItemReader(null, StorageResilience.Create(), http, policy);

        var items = new List<DatasetItem>();
        await foreach (var item in lister.ListAsync(null, default))
            items.Add(item);
        foreach (var item in items)
        {
            // A "//host" line is a path on Linux (and refused as one here); wherever it goes, it goes without the SAS.
            try
            {
                await reader.ReadAsync(item.Uri, default);
            }
            catch (IntakePolicyException)
            {
            }
        }

        Assert.Equal(4, items.Count);
        Assert.DoesNotContain(items, i => i.Uri.Contains("SECRETSIG", StringComparison.Ordinal) && !i.Uri.Contains("/data/sibling.jpg", StringComparison.Ordinal));
        Assert.DoesNotContain(queries, q => q.Key.StartsWith("evil", StringComparison.Ordinal) && q.Value.Contains("sig=", StringComparison.Ordinal));
        Assert.Equal("", queries["evil /devstoreaccount1/data/z.jpg"]);
        Assert.Equal("", queries["home /devstoreaccount1/other/y.jpg"]);
        // The one the SAS is for still gets it: siblings of a SAS manifest stay readable.
        Assert.Contains("sig=SECRETSIG", queries["home /devstoreaccount1/data/sibling.jpg"]);
    }

    private static void Record(HttpListenerContext context, ConcurrentDictionary<string, string> queries, string server)
    {
        queries[$"{server} {context.Request.Url!.AbsolutePath}"] = context.Request.Url.Query;
        context.Response.OutputStream.Write("jpeg"u8);
    }
}
