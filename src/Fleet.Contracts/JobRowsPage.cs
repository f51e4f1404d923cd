using System.Text.Json;

namespace Fleet.Contracts;

/// <summary>
/// One page of a job's rows (GET /jobs/{id}/rows): data rows first, then error rows, each in shard order.
/// <see cref="Next"/> is the opaque cursor of the next page, null at the end. A page may hold fewer rows than asked for
/// (even none) when a filter matched little of what one request may scan; it is not the end until Next is null.
/// </summary>
public sealed record JobRowsPage(IReadOnlyList<JobRow> Rows, string? Next, int Scanned);

/// <summary>
/// A result row as the API shows it: the top-1 label and score beside the top-k, the caption or the error, and
/// <see cref="Ref"/>, the row's own cursor, which names its thumbnail (GET /jobs/{id}/thumbnail?row=REF).
/// </summary>
public sealed record JobRow(
    string Ref,
    string Uri,
    string? Label,
    float? Score,
    IReadOnlyList<JobRowLabel>? Labels,
    string? Caption,
    string? Error,
    int Shard,
    IReadOnlyDictionary<string, JsonElement>? Input);

public sealed record JobRowLabel(string Label, int ClassId, float Score);

/// <summary>A signed link to a job's results page (POST /jobs/{id}/page-link): its path on the API, and when it stops working.</summary>
public sealed record ResultsPageLink(string Path, DateTimeOffset Expires);
