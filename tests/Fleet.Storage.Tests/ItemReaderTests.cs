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
}
