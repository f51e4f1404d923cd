using System.Text.RegularExpressions;

namespace Fleet.Api.Jobs;

/// <summary>Job ids appear in blob names and URLs, so they are kept to a safe alphabet.</summary>
public static partial class JobIds
{
    public static string New() => $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static bool IsValid(string id) => SafeId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex SafeId();
}
