using Fleet.Storage.Results;

namespace Fleet.Api.Results;

/// <summary>
/// Which rows a page shows: a top-1 label (case-insensitive), a minimum top-1 score, or only the error rows. A label
/// or score filter matches no error row (it has no label), so error parts are not even read then.
/// </summary>
public sealed record RowFilter(string? Label, float? MinScore, bool ErrorsOnly)
{
    public bool SkipsDataParts => ErrorsOnly;

    public bool SkipsErrorParts => Label is not null || MinScore is not null;

    public bool Matches(ResultRow row)
    {
        if (ErrorsOnly && row.Error is null)
            return false;
        if (Label is null && MinScore is null)
            return true;
        return row.Top is { } top
            && (Label is null || string.Equals(top.Label, Label, StringComparison.OrdinalIgnoreCase))
            && (MinScore is null || top.Score >= MinScore);
    }
}
