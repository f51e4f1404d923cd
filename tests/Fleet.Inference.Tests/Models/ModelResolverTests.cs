using System.Net;
using System.Security.Cryptography;
using Fleet.Models;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Models;

public sealed class ModelResolverTests : IDisposable
{
    private const string SourceUrl = "https://models.example.invalid/tiny.bin";

    private static readonly byte[] Good = [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))];

    private readonly TempDirectory _temp = new();
    private readonly ModelEntry _entry = new()
    {
        Name = "tiny",
        Kind = ModelKinds.Labels,
        File = "tiny.bin",
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Good)),
        Size = Good.Length,
        SourceUrl = SourceUrl,
    };

    private string Repo => _temp.Combine("repo");

    private string Cache => _temp.Combine("cache");

    private string Mirror => _temp.Combine("mirror");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Looks_in_repo_then_cache_then_mirror()
    {
        var inRepo = _temp.Write("repo/tiny/tiny.bin", Good);
        var flatInRepo = _temp.Write("repo/tiny.bin", Good);
        var inCache = _temp.Write("cache/tiny/tiny.bin", Good);
        var inMirror = _temp.Write("mirror/tiny/tiny.bin", Good);
        var resolver = Resolver(new FakeDownloads(Good));

        Assert.Equal(inRepo, await resolver.ResolveAsync(_entry));
        File.Delete(inRepo);
        Assert.Equal(flatInRepo, await resolver.ResolveAsync(_entry));
        File.Delete(flatInRepo);
        Assert.Equal(inCache, await resolver.ResolveAsync(_entry));
        File.Delete(inCache);
        Assert.Equal(inMirror, await resolver.ResolveAsync(_entry));
    }

    [Fact]
    public async Task A_copy_with_the_wrong_sha256_is_skipped()
    {
        var tampered = (byte[])Good.Clone();
        tampered[100] ^= 0xFF;
        _temp.Write("repo/tiny/tiny.bin", tampered);
        var inMirror = _temp.Write("mirror/tiny/tiny.bin", Good);

        Assert.Equal(inMirror, await Resolver(new FakeDownloads(Good)).ResolveAsync(_entry));
    }

    [Fact]
    public async Task Only_bad_copies_and_no_download_is_an_error_that_lists_every_place()
    {
        var tampered = (byte[])Good.Clone();
        tampered[0] ^= 0xFF;
        var badMirror = _temp.Write("mirror/tiny/tiny.bin", tampered);
        var shortRepo = _temp.Write("repo/tiny.bin", Good[..10]);
        var resolver = Resolver(downloads: null, allowDownload: false);

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => resolver.ResolveAsync(_entry));

        Assert.Contains($"repo {Path.Combine(Repo, "tiny", "tiny.bin")}: missing", ex.Message);
        Assert.Contains($"repo {shortRepo}: size 10 bytes, expected 4096", ex.Message);
        Assert.Contains($"cache {Path.Combine(Cache, "tiny", "tiny.bin")}: missing", ex.Message);
        Assert.Contains($"mirror {badMirror}: sha256 {Convert.ToHexStringLower(SHA256.HashData(tampered))}, expected {_entry.Sha256}", ex.Message);
        Assert.Contains("download: disabled", ex.Message);
    }

    [Fact]
    public async Task A_bad_cache_copy_is_removed()
    {
        var tampered = (byte[])Good.Clone();
        tampered[5] ^= 0xFF;
        var badCache = _temp.Write("cache/tiny/tiny.bin", tampered);
        var inMirror = _temp.Write("mirror/tiny/tiny.bin", Good);

        Assert.Equal(inMirror, await Resolver(new FakeDownloads(Good)).ResolveAsync(_entry));
        Assert.False(File.Exists(badCache));
    }

    [Fact]
    public async Task Downloads_only_when_nothing_local_exists_then_uses_the_cache()
    {
        var downloads = new FakeDownloads(Good);
        var inMirror = _temp.Write("mirror/tiny/tiny.bin", Good);
        var resolver = Resolver(downloads);

        Assert.Equal(inMirror, await resolver.ResolveAsync(_entry));
        Assert.Equal(0, downloads.Requests);

        File.Delete(inMirror);
        var downloaded = await resolver.ResolveAsync(_entry);

        Assert.Equal(1, downloads.Requests);
        Assert.Equal(SourceUrl, downloads.LastUrl);
        Assert.Equal(Path.Combine(Cache, "tiny", "tiny.bin"), downloaded);
        Assert.Equal(Good, await File.ReadAllBytesAsync(downloaded));
        Assert.Equal([downloaded], Directory.GetFiles(Path.Combine(Cache, "tiny"))); // no temp file left

        Assert.Equal(downloaded, await resolver.ResolveAsync(_entry));
        Assert.Equal(1, downloads.Requests);
    }

    [Fact]
    public async Task A_download_with_the_wrong_sha256_is_discarded()
    {
        var tampered = (byte[])Good.Clone();
        tampered[^1] ^= 0xFF;
        var downloads = new FakeDownloads(tampered);

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => Resolver(downloads).ResolveAsync(_entry));

        Assert.Equal(1, downloads.Requests);
        Assert.Contains($"download {SourceUrl}: downloaded 4096 bytes with sha256 {Convert.ToHexStringLower(SHA256.HashData(tampered))}", ex.Message);
        Assert.Contains("discarded", ex.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(Cache, "tiny")));
    }

    [Fact]
    public async Task A_failed_download_is_reported_with_the_places_tried()
    {
        var downloads = new FakeDownloads(status: HttpStatusCode.NotFound);

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => Resolver(downloads).ResolveAsync(_entry));

        Assert.Contains($"mirror {Path.Combine(Mirror, "tiny", "tiny.bin")}: missing", ex.Message);
        Assert.Contains($"download {SourceUrl}:", ex.Message);
        Assert.Contains("404", ex.Message);
    }

    [Fact]
    public async Task Shared_mirror_copies_match_the_catalog()
    {
        var catalog = ModelCatalog.Load(TestPaths.CatalogFile);
        var resolver = new ModelResolver(new ModelResolverOptions { CacheDirectory = Cache, MirrorDirectory = TestPaths.ModelMirror, AllowDownload = false });

        // Models committed in the repo (the caption models) and ones converted locally (gpt2) are not mirrored.
        var mirrored = catalog.Models.Where(e => e.ConvertedFrom is null && !File.Exists(Path.Combine(catalog.CatalogDirectory!, e.Name, e.File))).ToList();
        Assert.Contains(mirrored, e => e.Name == "mobilenetv2-12-int8");
        foreach (var entry in mirrored)
        {
            Assert.StartsWith(TestPaths.ModelMirror, await resolver.ResolveAsync(entry));
        }
    }

    private ModelResolver Resolver(FakeDownloads? downloads, bool allowDownload = true) =>
        new(
            new ModelResolverOptions { RepositoryModelsDirectory = Repo, CacheDirectory = Cache, MirrorDirectory = Mirror, AllowDownload = allowDownload },
            downloads is null ? null : new HttpClient(downloads));

    /// <summary>Serves fixed bytes for any URL and counts requests; nothing leaves the process.</summary>
    private sealed class FakeDownloads(byte[]? body = null, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        public string? LastUrl { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            LastUrl = request.RequestUri?.ToString();
            return Task.FromResult(new HttpResponseMessage(status) { Content = new ByteArrayContent(body ?? []) });
        }
    }
}
