using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;

namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// A forward-only read of one blob version from an offset, one ranged GET at a time, each conditional on the planned
/// ETag (412: <see cref="ManifestChangedException"/>). The first GET asks for what the caller expects to read (a slice and
/// a little more for the line that straddles its end); later ones double, so a long last line costs few requests. A
/// blob's own OpenRead would fetch 4 MiB for a slice of a few KiB.
/// </summary>
internal sealed class RangedBlobStream(BlobClient blob, string display, long offset, long expected, ETag version, ResiliencePipeline resilience) : Stream
{
    private const long MaxRequest = 8 * 1024 * 1024;

    private long _position = offset;
    private long _nextRequest = Math.Max(4096, expected);
    private byte[] _chunk = [];
    private int _chunkStart;
    private int _chunkEnd;
    private bool _atEnd;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_chunkStart == _chunkEnd)
        {
            if (_atEnd)
                return 0;
            await FetchAsync(cancellationToken).ConfigureAwait(false);
            if (_chunkStart == _chunkEnd)
                return 0;
        }
        var count = Math.Min(buffer.Length, _chunkEnd - _chunkStart);
        _chunk.AsMemory(_chunkStart, count).CopyTo(buffer);
        _chunkStart += count;
        return count;
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        var length = _nextRequest;
        _nextRequest = Math.Min(MaxRequest, _nextRequest * 2);
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(_position, length),
            Conditions = new BlobRequestConditions { IfMatch = version },
        };
        try
        {
            var content = await resilience.ExecuteAsync(
                async ct => (await blob.DownloadContentAsync(options, ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            _chunk = content.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new ManifestChangedException(display, version.ToString(), "another (ETag no longer matches)");
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // At or past the end of the blob.
            _chunk = [];
        }
        _chunkStart = 0;
        _chunkEnd = _chunk.Length;
        _position += _chunk.Length;
        _atEnd = _chunk.Length < length;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position - (_chunkEnd - _chunkStart); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
