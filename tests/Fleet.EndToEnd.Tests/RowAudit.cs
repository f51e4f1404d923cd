using Fleet.Storage.Results;

namespace Fleet.EndToEnd.Tests;

/// <summary>Reads every committed row of a job and checks the exactly-once rule against the expected inputs.</summary>
public sealed record RowAudit(IReadOnlyList<ResultRow> Rows)
{
    public static async Task<RowAudit> ReadAsync(IResultStore store, string jobId) =>
        new((await store.ReadRowsAsync(jobId, default).ToListAsync()).Select(ResultRow.Parse).ToList());

    public IEnumerable<ResultRow> Labeled => Rows.Where(r => r.Error is null);
    public IEnumerable<ResultRow> Errors => Rows.Where(r => r.Error is not null);

    public void AssertExactlyOnce(IEnumerable<string> expectedUris)
    {
        var expected = expectedUris.Order(StringComparer.Ordinal).ToList();
        var duplicates = Rows.GroupBy(r => r.Uri).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicated: " + string.Join(", ", duplicates));
        Assert.Equal(expected, Rows.Select(r => r.Uri).Order(StringComparer.Ordinal).ToList());
    }
}
