namespace Fleet.Api.Security;

/// <summary>
/// How fast one principal may call the API (<c>Fleet:Api:RateLimit</c>). Each authenticated principal (a named key, an
/// Entra user or app) has buckets of its own; a request with no valid credential counts against its address.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Fleet:Api:RateLimit";

    /// <summary>Sustained requests a minute, any route (a token bucket refilled evenly: 300 is one every 200 ms).</summary>
    public int RequestsPerMinute { get; set; } = 300;

    /// <summary>Requests a principal may make at once after a quiet spell (the bucket's size).</summary>
    public int Burst { get; set; } = 100;

    /// <summary>Job submissions (POST /jobs) a minute, inside the request budget: each one plans a dataset.</summary>
    public int SubmissionsPerMinute { get; set; } = 60;

    /// <summary>Submissions at once after a quiet spell.</summary>
    public int SubmissionBurst { get; set; } = 20;

    public bool IsValid => RequestsPerMinute > 0 && Burst > 0 && SubmissionsPerMinute > 0 && SubmissionBurst > 0;
}
