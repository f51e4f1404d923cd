using Fleet.Contracts;
using Fleet.Storage.Results;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Results;

/// <summary>
/// Pages through a job's committed rows by cursor: data parts, then error parts, each in shard order; one part is
/// decoded at a time and only the page's rows are kept, so a million-row job costs a request one part's rows. A
/// request reads whole parts until its page is full or it has scanned <see cref="ResultsOptions.MaxScannedRowsPerPage"/>
/// rows (a rare label then answers a short page and a cursor, rather than reading the whole job in one request).
/// </summary>
public sealed class JobRowPager(IOptions<ResultsOptions> options)
{
    private readonly int _scanBudget = options.Value.MaxScannedRowsPerPage;

    public async Task<JobRowsPage> PageAsync(IResultStore store, string jobKey, RowCursor from, RowFilter filter, int limit, CancellationToken cancellationToken)
    {
        var parts = await PartsAsync(store, jobKey, cancellationToken);
        var rows = new List<JobRow>(Math.Min(limit, 256));
        var scanned = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            if (!from.IsAtOrBefore(part.Errors, part.Shard) || (part.Errors ? filter.SkipsErrorParts : filter.SkipsDataParts))
                continue;
            var content = await store.ReadPartAsync(part.Name, cancellationToken);
            var start = part.Errors == from.Errors && part.Shard == from.Shard ? from.Offset : 0;
            for (var i = start; i < content.Count; i++)
            {
                if (rows.Count == limit)
                    return new JobRowsPage(rows, new RowCursor(part.Errors, part.Shard, i).Encode(), scanned);
                scanned++;
                if (filter.Matches(content[i]))
                    rows.Add(View(content[i], new RowCursor(part.Errors, part.Shard, i)));
            }
            if ((rows.Count == limit || scanned >= _scanBudget) && p + 1 < parts.Count)
                return new JobRowsPage(rows, new RowCursor(parts[p + 1].Errors, parts[p + 1].Shard, 0).Encode(), scanned);
        }
        return new JobRowsPage(rows, null, scanned);
    }

    /// <summary>The row <paramref name="at"/> names; null when there is no such row (yet).</summary>
    public static async Task<ResultRow?> RowAsync(IResultStore store, string jobKey, string format, RowCursor at, CancellationToken cancellationToken)
    {
        var partFormat = ResultPartFormats.For(format);
        var name = at.Errors ? ResultLayout.ErrorPart(jobKey, at.Shard, partFormat) : ResultLayout.Part(jobKey, at.Shard, partFormat);
        var rows = await store.ReadPartAsync(name, cancellationToken);
        return at.Offset < rows.Count ? rows[at.Offset] : null;
    }

    /// <summary>The job's committed parts in page order (names only: a thousand shards are a thousand short strings).</summary>
    private static async Task<List<(bool Errors, int Shard, string Name)>> PartsAsync(IResultStore store, string jobKey, CancellationToken cancellationToken)
    {
        var parts = new List<(bool Errors, int Shard, string Name)>();
        var folder = ResultLayout.Folder(jobKey) + "/";
        await foreach (var name in store.ListPartsAsync(jobKey, cancellationToken))
        {
            var relative = name.StartsWith(folder, StringComparison.Ordinal) ? name[folder.Length..] : name;
            var errors = relative.StartsWith("errors/", StringComparison.Ordinal);
            if (ResultLayout.ShardOfPartFile(relative) is { } shard && (errors || !relative.Contains('/', StringComparison.Ordinal)))
                parts.Add((errors, shard, name));
        }
        parts.Sort((a, b) => a.Errors != b.Errors ? a.Errors.CompareTo(b.Errors) : a.Shard.CompareTo(b.Shard));
        return parts;
    }

    private static JobRow View(ResultRow row, RowCursor at) => new(
        at.Encode(),
        row.Uri,
        row.Top?.Label,
        row.Top?.Score,
        row.Labels?.Select(l => new JobRowLabel(l.Label, l.ClassId, l.Score)).ToArray(),
        row.Caption,
        row.Error,
        row.Shard,
        row.Input);
}
