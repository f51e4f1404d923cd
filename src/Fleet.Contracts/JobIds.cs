using System.Text.RegularExpressions;

namespace Fleet.Contracts;

/// <summary>
/// The one rule for job ids and the one generator. Ids become folder and blob names ({output}/{jobId}/…) and URL
/// segments, so they are kept to a safe alphabet: no separators, no "..", nothing a path could climb out with.
/// </summary>
public static partial class JobIds
{
    public const string Rule = "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static string New() => $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static bool IsValid(string? id) => id is not null && SafeId().IsMatch(id);

    /// <summary>The reason <paramref name="id"/> is refused, or null when it is a valid id.</summary>
    public static string? Problem(string? id) => IsValid(id) ? null : $"'{id}' {Rule}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex SafeId();
}
