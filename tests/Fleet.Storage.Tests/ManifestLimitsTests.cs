using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

/// <summary>
/// The bounds on what a manifest may make Fleet hold (Fleet:Limits): one line's length, a manifest's lines. Alone in
/// its collection, so the allocation it measures is its own.
/// </summary>
[Collection(ManifestLimitsCollection.Name)]
public sealed class ManifestLimitsTests
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 1 };

    private static ManifestFileLister Lister(string path, ItemLimits? limits = null) =>
        new(new Uri(path), ManifestFileLister.TryGetFormat(path, out var format) ? format : throw new ArgumentException(path), null,
            new HttpClient(new FakeHttpHandler((_, _) => throw new InvalidOperationException("no http expected"))), StorageResilience.Create(Fast), limits);

    private static async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(TestPaths.NewTempFolder("manifest-limits"), name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task An_http_manifest_with_no_newline_fails_naming_the_line_limit_within_bounded_memory()
    {
        // 96 MB of one line, served as fast as it is read; before the bound it became one 192 MB string (more as it grew).
        const long bodyBytes = 96L << 20;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        long served = 0;
        using var server = new LoopbackHttpServer(context =>
        {
            try
            {
                context.Response.SendChunked = true;
                for (long sent = 0; sent < bodyBytes; sent += chunk.Length)
                {
                    context.Response.OutputStream.Write(chunk);
                    Interlocked.Add(ref served, chunk.Length);
                }
            }
            catch (Exception e) when (e is System.Net.HttpListenerException or IOException or ObjectDisposedException)
            {
                // The reader hung up at the limit.
            }
        });
        var policy = new IntakePolicy(new IntakeOptions { AllowLoopback = true });
        var lister = new ManifestFileLister(new Uri(server.Url("endless.txt")), ManifestFormat.Text, null, new HttpClient(policy.CreateHandler()), StorageResilience.Create(Fast));

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<DatasetLimitException>(async () => await lister.ListAsync(null, default).ToListAsync());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Contains("Fleet:Limits:MaxManifestLineLength", error.Message);
        Assert.Contains("line 1 is longer than 1,048,576 characters", error.Message);
        Assert.True(allocated < 64L << 20, $"listing allocated {allocated / (1 << 20)} MB");
        Assert.True(Interlocked.Read(ref served) < bodyBytes, "the whole body was read");
    }

    [Fact]
    public async Task A_jsonl_object_over_the_line_limit_fails_naming_the_limit_before_it_is_parsed()
    {
        var big = new string('x', 2 << 20);
        var manifest = await WriteAsync("set.jsonl", "{\"uri\":\"a.jpg\"}\n{\"uri\":\"b.jpg\",\"blob\":\"" + big + "\"}\n{\"uri\":\"c.jpg\"}\n");

        var error = await Assert.ThrowsAsync<DatasetLimitException>(async () => await Lister(manifest).ListAsync(null, default).ToListAsync());

        Assert.Contains("line 2 is longer than 1,048,576 characters (Fleet:Limits:MaxManifestLineLength)", error.Message);
        Assert.Contains("set.jsonl", error.Message);
    }

    [Theory]
    [InlineData("a.jpg\nbb.jpg\nccc.jpg\n", 7, true)]
    [InlineData("a.jpg\nbb.jpg\nccc.jpg\n", 6, false)]
    [InlineData("a.jpg\r\nbb.jpg\r\nccc.jpg", 7, true)]
    [InlineData("a.jpg\r\nbb.jpg\r\nccc.jpg", 6, false)]
    public async Task A_line_is_held_to_the_limit_exactly(string text, int maxLength, bool fits)
    {
        var manifest = await WriteAsync("set.txt", text);
        var lister = Lister(manifest, new ItemLimits { MaxManifestLineLength = maxLength });

        if (fits)
        {
            Assert.Equal(3, (await lister.ListAsync(null, default).ToListAsync()).Count);
            return;
        }
        var error = await Assert.ThrowsAsync<DatasetLimitException>(async () => await lister.ListAsync(null, default).ToListAsync());
        Assert.Contains("line 3 is longer than 6 characters", error.Message);
    }

    [Fact]
    public async Task Lines_end_at_lf_crlf_or_cr_even_where_a_crlf_spans_two_reads()
    {
        // The reader fills 16 Ki characters at a time: the first line's "\r" is the last of the first fill, its "\n" the first of the next.
        var first = "/data/" + new string('a', (16 * 1024) - 1 - 10) + ".jpg";
        var manifest = await WriteAsync("set.txt", first + "\r\nb.jpg\rc.jpg\n\n\r\nd.jpg");

        var items = await Lister(manifest).ListAsync(null, default).ToListAsync();

        Assert.Equal(["1", "2", "3", "6"], items.Select(i => i.Checkpoint));
        Assert.EndsWith("aaa.jpg", items[0].Uri, StringComparison.Ordinal);
        Assert.EndsWith("/d.jpg", items[3].Uri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("set.txt", "a.jpg\n\n# a comment\nb.jpg\n\n")]
    [InlineData("set.csv", "uri\na.jpg\nb.jpg\nc.jpg\nd.jpg\n")]
    public async Task A_manifest_over_the_line_cap_fails_naming_the_setting(string name, string text)
    {
        var manifest = await WriteAsync(name, text);

        var within = await Lister(manifest, new ItemLimits { MaxManifestLines = 5 }).ListAsync(null, default).ToListAsync();
        var error = await Assert.ThrowsAsync<DatasetLimitException>(async () =>
            await Lister(manifest, new ItemLimits { MaxManifestLines = 4 }).ListAsync(null, default).ToListAsync());

        Assert.NotEmpty(within);
        Assert.Contains("more than 4 lines (Fleet:Limits:MaxManifestLines)", error.Message);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManifestLimitsCollection
{
    public const string Name = "Manifest limits (measures allocation)";
}
