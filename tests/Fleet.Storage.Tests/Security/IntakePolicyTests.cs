using System.Text;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Security;
using Fleet.Testing;

namespace Fleet.Storage.Tests.Security;

public sealed class IntakePolicyTests
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 4 };

    private static IntakePolicy Rooted(string root, bool loopback = false) =>
        new(new IntakeOptions { LocalRoots = [root], AllowLoopback = loopback });

    private static ItemReader Reader(IntakePolicy policy) =>
        new(null, StorageResilience.Create(Fast), new HttpClient(policy.CreateHandler()), policy);

    private static DatasetListerFactory Listers(IntakePolicy policy) =>
        new(null, new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), new SampleDatasetOptions(), new HttpClient()), StorageResilience.Create(Fast), new HttpClient(policy.CreateHandler()), policy);

    [Fact]
    public async Task Local_datasets_items_and_outputs_outside_the_roots_are_refused_without_reading_them()
    {
        var root = TestPaths.NewTempFolder("intake-root");
        var outside = TestPaths.NewTempFolder("intake-outside");
        var secrets = Path.Combine(outside, "secrets.csv");
        await File.WriteAllTextAsync(secrets, "TOPSECRET,password\n");
        var policy = Rooted(root);

        var dataset = await Assert.ThrowsAsync<IntakePolicyException>(() => Listers(policy).CreateAsync(secrets, default));
        var item = await Assert.ThrowsAsync<IntakePolicyException>(() => Reader(policy).ReadAsync(new Uri(secrets).AbsoluteUri, default));
        var output = Assert.Throws<IntakePolicyException>(() => new ResultStoreFactory(null, StorageResilience.Create(Fast), policy).Create(outside));
        var noRoots = await Assert.ThrowsAsync<IntakePolicyException>(() => Listers(new IntakePolicy(new IntakeOptions())).CreateAsync(root, default));

        Assert.All(new Exception[] { dataset, item, output, noRoots }, e => Assert.DoesNotContain("TOPSECRET", e.Message));
        Assert.Contains("outside the folders", dataset.Message);
        Assert.Contains("allows none", noRoots.Message);
        Assert.Equal(ItemErrorKinds.Policy, ItemErrorKinds.Of(item));
    }

    [Fact]
    public async Task A_symbolic_link_inside_a_root_that_leads_out_of_it_is_refused()
    {
        var root = TestPaths.NewTempFolder("intake-root");
        var outside = TestPaths.NewTempFolder("intake-outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "x.jpg"), "not yours");
        Directory.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "link.jpg"), Path.Combine(outside, "x.jpg"));
        var policy = Rooted(root);

        await Assert.ThrowsAsync<IntakePolicyException>(() => Reader(policy).ReadAsync(new Uri(Path.Combine(root, "escape", "x.jpg")).AbsoluteUri, default));
        await Assert.ThrowsAsync<IntakePolicyException>(() => Reader(policy).ReadAsync(new Uri(Path.Combine(root, "link.jpg")).AbsoluteUri, default));
        Assert.Throws<IntakePolicyException>(() => new ResultStoreFactory(null, StorageResilience.Create(Fast), policy).Create(Path.Combine(root, "escape", "out")));
    }

    [Fact]
    public async Task Files_and_outputs_under_a_root_are_allowed()
    {
        var root = TestPaths.NewTempFolder("intake-root");
        var image = Path.Combine(root, "a.jpg");
        await File.WriteAllBytesAsync(image, [1, 2, 3]);
        var policy = Rooted(root);

        Assert.Equal([1, 2, 3], await Reader(policy).ReadAsync(new Uri(image).AbsoluteUri, default));
        var store = new ResultStoreFactory(null, StorageResilience.Create(Fast), policy).Create(Path.Combine(root, "out"));
        Assert.StartsWith(root, store.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_url_is_refused_at_connect_time_unless_allowed_and_never_retried()
    {
        using var server = new LoopbackHttpServer(context => context.Response.OutputStream.Write("jpeg"u8));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Reader(Rooted("/nonexistent")).ReadAsync(server.Url("a.jpg"), default));
        Assert.Equal(ItemErrorKinds.Policy, ItemErrorKinds.Of(refused));
        Assert.Equal(0, server.Requests);

        var allowed = await Reader(Rooted("/nonexistent", loopback: true)).ReadAsync(server.Url("a.jpg"), default);
        Assert.Equal("jpeg", Encoding.UTF8.GetString(allowed));
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_too()
    {
        using var server = new LoopbackHttpServer(context => context.Response.OutputStream.Write("jpeg"u8));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Reader(Rooted("/nonexistent")).ReadAsync($"http://localhost:{server.Port}/a.jpg", default));

        Assert.Equal(ItemErrorKinds.Policy, ItemErrorKinds.Of(refused));
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_its_target_is_never_read()
    {
        using var target = new LoopbackHttpServer(context => context.Response.OutputStream.Write("internal secret"u8));
        using var redirector = new LoopbackHttpServer(context =>
        {
            context.Response.StatusCode = 302;
            context.Response.RedirectLocation = target.Url("metadata");
        });
        var policy = Rooted("/nonexistent", loopback: true);

        var item = await Assert.ThrowsAsync<HttpRequestException>(() => Reader(policy).ReadAsync(redirector.Url("a.jpg"), default));
        var manifest = await Assert.ThrowsAsync<DatasetNotFoundException>(async () =>
        {
            var lister = await Listers(policy).CreateAsync(redirector.Url("list.txt"), default);
            await lister.EnsureExistsAsync(default);
        });

        Assert.Contains("302", item.Message);
        Assert.DoesNotContain("internal secret", manifest.Message);
        Assert.Equal(0, target.Requests);
    }

    [Theory]
    [InlineData("fleet-jobs")]
    [InlineData("grainstate")]
    public void The_fleets_own_internal_containers_are_not_a_dataset_or_an_output(string container)
    {
        var policy = new IntakePolicy(new IntakeOptions(), new Uri("http://127.0.0.1:10000/devstoreaccount1"));

        Assert.Throws<IntakePolicyException>(() => policy.CheckDataset($"http://127.0.0.1:10000/devstoreaccount1/{container}/job/shards/"));
        Assert.Throws<IntakePolicyException>(() => policy.CheckOutput($"http://127.0.0.1:10000/devstoreaccount1/{container}"));
        policy.CheckOutput("http://127.0.0.1:10000/devstoreaccount1/results");
    }

    [Fact]
    public void Hosts_and_schemes_outside_the_lists_are_refused()
    {
        var policy = new IntakePolicy(new IntakeOptions { HttpHosts = ["*.blob.core.windows.net"], Schemes = ["https"] });

        policy.CheckDataset("https://acct.blob.core.windows.net/data/?sig=x");
        var host = Assert.Throws<IntakePolicyException>(() => policy.CheckDataset("https://evil.example/list.txt?sig=SECRET"));
        Assert.Throws<IntakePolicyException>(() => policy.CheckDataset("http://acct.blob.core.windows.net/data/"));
        Assert.Throws<IntakePolicyException>(() => policy.CheckDataset("sample:imagenet-sample-100"));
        Assert.DoesNotContain("SECRET", host.Message);
    }

    [Fact]
    public void A_job_id_cannot_lead_a_local_output_out_of_its_folder()
    {
        Assert.Throws<ArgumentException>(() => ResultLayout.Part("../../etc", 0, JsonLinesPartFormat.Instance));
        Assert.Throws<ArgumentException>(() => ResultLayout.Success(".."));
    }
}
