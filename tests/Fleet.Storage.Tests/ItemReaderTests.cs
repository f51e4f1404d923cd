using System.Buffers;
using System.Net;
using System.Text;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Testing;

namespace Fleet.Storage.Tests;

public sealed class ItemReaderTests
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 4 };

    private static ItemReader Reader(FakeHttpHandler handler) => new(null, StorageResilience.Create(Fast), new HttpClient(handler));

    [Fact]
    public async Task Http_item_is_read_with_a_plain_get()
    {
        var handler = FakeHttpHandler.Serving(new Dictionary<string, byte[]> { ["https://example.invalid/a.jpg?sig=x"] = "jpeg"u8.ToArray() });

        var bytes = await Reader(handler).ReadAsync("https://example.invalid/a.jpg?sig=x", default);

        Assert.Equal("jpeg", Encoding.UTF8.GetString(bytes));
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Http_404_is_not_retried_and_the_error_names_the_status_without_the_sas()
    {
        var handler = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.NotFound));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Reader(handler).ReadAsync("https://example.invalid/gone.jpg?sig=secret", default));

        Assert.Equal(1, handler.Calls);
        Assert.Contains("404", error.Message);
        Assert.Contains("https://example.invalid/gone.jpg", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public async Task Http_503_is_retried_until_it_succeeds()
    {
        var handler = new FakeHttpHandler((_, call) => call < 3
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) });

        var bytes = await Reader(handler).ReadAsync("http://example.invalid/busy.png", default);

        Assert.Equal([1, 2, 3], bytes);
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task Invalid_manifest_entries_throw_a_clear_error_without_any_io()
    {
        var handler = new FakeHttpHandler((_, _) => throw new InvalidOperationException("no I/O expected"));
        var item = DatasetItem.Invalid("line 17: no uri field: {\"url\":\"x\"}", "17");

        var error = await Assert.ThrowsAsync<InvalidDatasetItemException>(() => Reader(handler).ReadAsync(item.Uri, default));

        Assert.Equal("invalid manifest entry: line 17: no uri field: {\"url\":\"x\"}", error.Message);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task File_items_are_read_from_disk()
    {
        var path = Path.Combine(TestPaths.NewTempFolder("item-file"), "a b#1.jpg");
        await File.WriteAllBytesAsync(path, [9, 8]);

        Assert.Equal([9, 8], await Reader(new FakeHttpHandler((_, _) => throw new InvalidOperationException())).ReadAsync(new Uri(path).AbsoluteUri, default));
    }

    [Fact]
    public async Task File_items_are_read_into_a_buffer_rented_from_the_pool()
    {
        var path = Path.Combine(TestPaths.NewTempFolder("item-pooled"), "a.jpg");
        var content = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await File.WriteAllBytesAsync(path, content);
        var pool = new CountingPool();

        var item = await Reader(new FakeHttpHandler((_, _) => throw new InvalidOperationException())).ReadAsync(new Uri(path).AbsoluteUri, pool, default);

        Assert.True(item.Pooled);
        Assert.Same(pool.Rented.Single(), item.Buffer);
        Assert.Equal(content, item.Memory.ToArray());
    }

    [Fact]
    public async Task Http_items_with_a_length_are_pooled_and_without_one_are_read_whole()
    {
        var body = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var handler = new FakeHttpHandler((request, _) => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = request.RequestUri!.AbsolutePath == "/sized.jpg" ? new ByteArrayContent(body) : new UnsizedContent(body),
        });
        var pool = new CountingPool();

        var sized = await Reader(handler).ReadAsync("https://example.invalid/sized.jpg", pool, default);
        var unsized = await Reader(handler).ReadAsync("https://example.invalid/unsized.jpg", pool, default);

        Assert.True(sized.Pooled);
        Assert.Equal(body, sized.Memory.ToArray());
        Assert.False(unsized.Pooled);
        Assert.Equal(body, unsized.Memory.ToArray());
        Assert.Single(pool.Rented);
    }

    /// <summary>ArrayPool.Shared that remembers what it handed out.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        public List<byte[]> Rented { get; } = [];

        public override byte[] Rent(int minimumLength)
        {
            var buffer = Shared.Rent(minimumLength);
            Rented.Add(buffer);
            return buffer;
        }

        public override void Return(byte[] array, bool clearArray = false) => Shared.Return(array, clearArray);
    }

    /// <summary>A body whose length is not known up front (no Content-Length), like a chunked response.</summary>
    private sealed class UnsizedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        // Streamed as a network body is, not buffered first (buffering would tell the length).
        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new MemoryStream(body, writable: false));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
