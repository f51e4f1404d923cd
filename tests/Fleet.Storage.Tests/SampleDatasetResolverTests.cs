using System.Net;
using System.Security.Cryptography;
using Fleet.Storage.Datasets;
using Fleet.Storage.Samples;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class SampleDatasetResolverTests
{
    private static readonly byte[] Good = "a small photo"u8.ToArray();

    private static SampleDatasetCatalog Catalog(string sha) => new([
        new SampleDataset("tiny", "test", "tiny-folder", "https://example.invalid/base/", "test", [new SampleFile("one.jpg", sha, Good.Length)]),
    ]);

    [Fact]
    public async Task Without_a_mirror_files_are_downloaded_once_into_the_cache_and_checked()
    {
        var handler = new CountingHandler(Good);
        var cache = TestPaths.NewTempFolder("sample-cache");
        var resolver = new SampleDatasetResolver(Catalog(Convert.ToHexStringLower(SHA256.HashData(Good))),
            new SampleDatasetOptions { MirrorRoot = null, CacheRoot = cache }, new HttpClient(handler));

        var first = await resolver.ResolveAsync("sample:tiny", default);
        var second = await resolver.ResolveAsync("sample:tiny", default);

        Assert.Equal(first, second);
        Assert.Equal(Good, await File.ReadAllBytesAsync(Path.Combine(first, "one.jpg")));
        Assert.Equal(1, handler.Calls);
        Assert.Equal("https://example.invalid/base/one.jpg", handler.LastUri);
    }

    [Fact]
    public async Task A_download_with_the_wrong_sha256_is_rejected_and_not_kept()
    {
        var cache = TestPaths.NewTempFolder("sample-cache");
        var resolver = new SampleDatasetResolver(Catalog(new string('0', 64)),
            new SampleDatasetOptions { MirrorRoot = null, CacheRoot = cache }, new HttpClient(new CountingHandler(Good)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => resolver.ResolveAsync("sample:tiny", default));

        Assert.Contains("sha256", error.Message);
        Assert.False(File.Exists(Path.Combine(cache, "tiny-folder", "one.jpg")));
    }

    [Fact]
    public async Task An_unreachable_source_says_how_to_run_offline()
    {
        var resolver = new SampleDatasetResolver(Catalog("x"),
            new SampleDatasetOptions { MirrorRoot = null, CacheRoot = TestPaths.NewTempFolder("sample-cache") },
            new HttpClient(new CountingHandler(null)));

        var error = await Assert.ThrowsAsync<DatasetNotFoundException>(() => resolver.ResolveAsync("sample:tiny", default));

        Assert.Contains("FLEET_DATA_MIRROR", error.Message);
    }

    private sealed class CountingHandler(byte[]? body) : HttpMessageHandler
    {
        public int Calls { get; private set; }
        public string? LastUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastUri = request.RequestUri?.ToString();
            if (body is null)
                throw new HttpRequestException("no network");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
        }
    }
}
