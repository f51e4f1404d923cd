namespace Fleet.Api.Results;

/// <summary>The rows API, the results page and its thumbnails (<c>Fleet:Api:Results</c>).</summary>
public sealed class ResultsOptions
{
    public const string SectionName = "Fleet:Api:Results";

    /// <summary>Rows a page holds when the request names no limit.</summary>
    public int DefaultLimit { get; set; } = 100;

    /// <summary>The largest <c>limit</c> a rows request may ask for (more is a 400 naming this bound).</summary>
    public int MaxLimit { get; set; } = 1000;

    /// <summary>Rows one request may scan for its filter before it answers a short page and a cursor.</summary>
    public int MaxScannedRowsPerPage { get; set; } = 20_000;

    /// <summary>The longer side of a thumbnail, in pixels.</summary>
    public int ThumbnailSize { get; set; } = 256;

    /// <summary>How long a signed results-page link (and the cookie it sets) works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The secret results-page links are signed with (at least 32 characters). Empty: derived from the API keys, so
    /// rotating the keys also revokes every link; set it to keep links working across a key rotation, or where
    /// several API replicas must accept each other's links with keys that differ.
    /// </summary>
    public string LinkSecret { get; set; } = "";
}
