using System.Globalization;
using Fleet.Storage.Limits;

namespace Fleet.Storage.Datasets.Slices;

/// <summary>
/// Lines of a byte stream with the manifest offset each starts at. A line ends at "\n" (a "\r" before it is dropped) or
/// at the end of the stream. A line is held whole (its bytes up to the limit, never more), so an owned line longer than
/// the limit throws <see cref="DatasetLimitException"/>; <see cref="SkipLineAsync"/> discards a line of any length.
/// </summary>
internal sealed class SliceLineReader(Stream stream, long origin, int maxLineBytes, string describe, long expected = 64 * 1024)
{
    // Sized to the slice: a fleet reads many small slices, and a 64 KiB buffer for each 3 KiB one was most of the cost.
    private byte[] _buffer = new byte[(int)Math.Clamp(expected, 1024, 64 * 1024)];
    private long _bufferOrigin = origin;
    private int _head;
    private int _tail;
    private bool _eof;

    /// <summary>The manifest offset where the next line starts.</summary>
    public long NextOffset => _bufferOrigin + _head;

    /// <summary>The manifest offset where <see cref="Line"/> starts.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The line <see cref="ReadLineAsync"/> returned last (valid until the next call).</summary>
    public ReadOnlyMemory<byte> Line { get; private set; }

    /// <summary>Discards everything up to and including the next "\n": the rest of a line another slice owns.</summary>
    public async ValueTask SkipLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = _buffer.AsSpan(_head, _tail - _head).IndexOf((byte)'\n');
            if (found >= 0)
            {
                _head += found + 1;
                return;
            }
            _head = _tail;
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                return;
        }
    }

    /// <summary>The next line into <see cref="Line"/>; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var found = _buffer.AsSpan(_head + scanned, _tail - _head - scanned).IndexOf((byte)'\n');
            if (found >= 0)
            {
                Take(scanned + found, 1);
                return true;
            }
            scanned = _tail - _head;
            if (scanned > maxLineBytes)
                throw TooLong();
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_head == _tail)
                    return false;
                Take(_tail - _head, 0);
                return true;
            }
        }
    }

    private void Take(int length, int terminator)
    {
        if (length > maxLineBytes)
            throw TooLong();
        var line = _buffer.AsMemory(_head, length);
        if (line.Length > 0 && line.Span[^1] == (byte)'\r')
            line = line[..^1];
        Line = line;
        LineOffset = _bufferOrigin + _head;
        _head += length + terminator;
    }

    /// <summary>Reads more bytes, keeping the unread ones (moved to the front, the buffer grown when a line fills it).</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
            return false;
        if (_head > 0)
        {
            _buffer.AsSpan(_head, _tail - _head).CopyTo(_buffer);
            _bufferOrigin += _head;
            _tail -= _head;
            _head = 0;
        }
        if (_tail == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        var read = await stream.ReadAsync(_buffer.AsMemory(_tail), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
            return false;
        }
        _tail += read;
        return true;
    }

    private DatasetLimitException TooLong() => new(string.Create(CultureInfo.InvariantCulture,
        $"{describe}: the line at byte {NextOffset} is longer than {maxLineBytes:N0} bytes ({ItemLimits.Setting(nameof(ItemLimits.MaxManifestLineLength))}); a manifest entry is one URI or one JSON object per line"));
}
