using System.Net;
using Fleet.Storage.Datasets;
using Fleet.Storage.Limits;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;
using Fleet.Testing;

namespace Fleet.Storage.Tests.Security;

public sealed class ItemLimitsTests
{
    private static readonly StorageResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 4 };

    private static ItemReader Reader(FakeHttpHandler handler, long maxBytes = ItemLimits.DefaultMaxItemBytes) =>
        new(null, StorageResilience.Create(Fast), new HttpClient(handler), IntakePolicy.Unrestricted, new ItemLimits { MaxItemBytes = maxBytes });

    [Fact]
    public async Task A_lying_content_length_is_refused_before_anything_is_allocated_and_not_retried()
    {
        var handler = new FakeHttpHandler((_, _) =>
        {
            var content = new ByteArrayContent([]);
            content.Headers.ContentLength = 1_500_000_000;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var error = await Assert.ThrowsAsync<ItemTooLargeException>(() => Reader(handler).ReadAsync("https://example.invalid/bomb.jpg?sig=SECRET", default));

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 20_000_000, "the declared length was allocated");
        Assert.Equal(1, handler.Calls);
        Assert.Equal(ItemErrorKinds.TooLarge, ItemErrorKinds.Of(error));
        Assert.DoesNotContain("SECRET", error.Message);
    }

    [Fact]
    public async Task A_body_without_a_length_stops_at_the_limit()
    {
        var handler = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream()) });

        await Assert.ThrowsAsync<ItemTooLargeException>(() => Reader(handler, maxBytes: 1_000_000).ReadAsync("https://example.invalid/endless.jpg", default));

        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_local_file_over_the_limit_and_a_device_without_a_length_are_too_large()
    {
        var folder = TestPaths.NewTempFolder("limits");
        var big = Path.Combine(folder, "big.jpg");
        await File.WriteAllBytesAsync(big, new byte[2_000]);
        var reader = Reader(new FakeHttpHandler((_, _) => throw new InvalidOperationException()), maxBytes: 1_000);

        await Assert.ThrowsAsync<ItemTooLargeException>(() => reader.ReadAsync(new Uri(big).AbsoluteUri, default));
        await Assert.ThrowsAsync<ItemTooLargeException>(() => reader.ReadAsync("file:///dev/zero", default));
    }

    /// <summary>Zeros forever, as a server that never ends its body would send.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
