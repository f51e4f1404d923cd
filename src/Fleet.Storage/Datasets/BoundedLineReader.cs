using System.Globalization;
using System.Text;
using Fleet.Storage.Limits;

namespace Fleet.Storage.Datasets;

/// <summary>
/// Reads lines like <see cref="StreamReader.ReadLineAsync(CancellationToken)"/> (ends at "\n", "\r\n" or "\r"; the
/// reader's encoding detection kept) but never holds more than <c>maxLength</c> characters of one line: a longer line
/// throws <see cref="DatasetLimitException"/> as soon as the limit is passed, so an http body with no newline costs one
/// buffer, not a string that grows until the process dies.
/// </summary>
internal sealed class BoundedLineReader(StreamReader reader, int maxLength, string describe)
{
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;
    private bool _skipLineFeed;

    /// <summary>The 1-based number of the line the next call returns.</summary>
    public long NextLine { get; private set; } = 1;

    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        var any = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await reader.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                    return any ? Finish() : null;
            }
            if (_skipLineFeed)
            {
                // The "\n" of a "\r\n" split across two reads.
                _skipLineFeed = false;
                if (_buffer[_start] == '\n')
                {
                    _start++;
                    continue;
                }
            }
            any = true;
            var span = _buffer.AsSpan(_start, _end - _start);
            var stop = span.IndexOfAny('\r', '\n');
            var take = stop < 0 ? span.Length : stop;
            if (_line.Length + take > maxLength)
            {
                throw new DatasetLimitException(string.Create(CultureInfo.InvariantCulture,
                    $"{describe} line {NextLine} is longer than {maxLength:N0} characters ({ItemLimits.Setting(nameof(ItemLimits.MaxManifestLineLength))}); a manifest entry is one URI or one JSON object per line"));
            }
            _line.Append(span[..take]);
            _start += take;
            if (stop < 0)
                continue;
            var terminator = _buffer[_start++];
            if (terminator == '\r')
            {
                if (_start < _end)
                {
                    if (_buffer[_start] == '\n')
                        _start++;
                }
                else
                {
                    _skipLineFeed = true;
                }
            }
            return Finish();
        }
    }

    private string Finish()
    {
        NextLine++;
        return _line.ToString();
    }
}
