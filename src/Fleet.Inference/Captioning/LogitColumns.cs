namespace Fleet.Inference.Captioning;

/// <summary>
/// Which token ids a batch's logits hold, in column order: every id (a full head) or a subset the graph was asked for
/// through its logit_token_ids input (the batch's grounded vocabulary, a tenth of the head's work).
/// </summary>
internal sealed class LogitColumns
{
    private readonly int[]? _ids;
    private readonly int[]? _columnOf;

    private LogitColumns(int vocabulary, int[]? ids)
    {
        Vocabulary = vocabulary;
        _ids = ids;
        Feed = ids is null ? [.. Enumerable.Range(0, vocabulary).Select(i => (long)i)] : [.. ids.Select(i => (long)i)];
        if (ids is not null)
        {
            _columnOf = new int[vocabulary];
            Array.Fill(_columnOf, -1);
            for (var c = 0; c < ids.Length; c++)
            {
                _columnOf[ids[c]] = c;
            }
        }
    }

    public int Vocabulary { get; }

    public int Count => _ids?.Length ?? Vocabulary;

    /// <summary>The ids in column order as a graph's logit_token_ids input takes them (every id for the full head).</summary>
    public long[] Feed { get; }

    public static LogitColumns All(int vocabulary) => new(vocabulary, null);

    public static LogitColumns Of(int vocabulary, IEnumerable<int> ids) => new(vocabulary, [.. ids.Distinct().Order()]);

    public int TokenAt(int column) => _ids?[column] ?? column;

    /// <summary>The column of <paramref name="token"/>, or -1 when these logits do not hold it.</summary>
    public int ColumnOf(int token) => _columnOf is null ? token : _columnOf[token];
}
