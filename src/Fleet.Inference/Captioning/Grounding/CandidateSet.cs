namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// The logit columns a constrained row may pick from at one step, each once. Reused row after row: <see cref="Clear"/>
/// unmarks only what was added, so a step costs what it allows, not the vocabulary.
/// </summary>
internal sealed class CandidateSet
{
    private readonly LogitColumns _columns;
    private readonly bool[] _marked;
    private readonly List<int> _columnsAllowed = [];
    private readonly List<int> _columnsExcluded = [];

    public CandidateSet(LogitColumns columns)
    {
        _columns = columns;
        _marked = new bool[columns.Count];
    }

    /// <summary>The allowed columns, in the order added.</summary>
    public IReadOnlyList<int> Columns => _columnsAllowed;

    public void Add(int token)
    {
        var column = _columns.ColumnOf(token);
        if (column >= 0 && !_marked[column])
        {
            _marked[column] = true;
            _columnsAllowed.Add(column);
        }
    }

    /// <summary>Keeps <paramref name="token"/> out of this step's candidates, whatever is added after.</summary>
    public void Exclude(int token)
    {
        var column = _columns.ColumnOf(token);
        if (column >= 0 && !_marked[column])
        {
            _marked[column] = true;
            _columnsExcluded.Add(column);
        }
    }

    public void AddRange(int[] tokens)
    {
        foreach (var token in tokens)
        {
            Add(token);
        }
    }

    public void Clear()
    {
        foreach (var column in _columnsAllowed.Concat(_columnsExcluded))
        {
            _marked[column] = false;
        }

        _columnsAllowed.Clear();
        _columnsExcluded.Clear();
    }
}
