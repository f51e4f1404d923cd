using System.Text.RegularExpressions;

namespace Fleet.Contracts;

/// <summary>
/// The one rule for job ids and the one generator. Ids become folder and blob names ({output}/{jobKey}/…) and URL
/// segments, so they are kept to a safe alphabet: no separators, no "..", nothing a path could climb out with.
/// A job's key (its grain's key, its folder name) is its owner's namespace and the id the owner chose:
/// <c>{owner}~{id}</c>, or the bare id for the <see cref="DefaultOwner"/>, so one principal can never take (squat)
/// an id another principal means to use, and two owners' jobs of the same id never share an output folder.
/// </summary>
public static partial class JobIds
{
    public const string Rule = "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public const string OwnerRule = "must be 1-40 lowercase letters, digits or '-', starting with a letter or digit";

    /// <summary>The principal of the single Fleet:Api:Key and of embedded runs; its jobs keep their bare ids.</summary>
    public const string DefaultOwner = "default";

    /// <summary>Between owner and id in a key; not in the id alphabet, so a key splits one way only.</summary>
    public const char OwnerSeparator = '~';

    public static string New() => $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static bool IsValid(string? id) => id is not null && SafeId().IsMatch(id);

    public static bool IsValidOwner(string? owner) => owner is not null && SafeOwner().IsMatch(owner);

    /// <summary>The reason <paramref name="id"/> is refused, or null when it is a valid id.</summary>
    public static string? Problem(string? id) => IsValid(id) ? null : $"'{id}' {Rule}";

    /// <summary>The key of <paramref name="owner"/>'s job <paramref name="id"/>.</summary>
    public static string Key(string owner, string id) => owner == DefaultOwner ? id : $"{owner}{OwnerSeparator}{id}";

    /// <summary>(owner, id) of a valid key, else null.</summary>
    public static (string Owner, string Id)? Split(string? key)
    {
        if (key is null)
            return null;
        var at = key.IndexOf(OwnerSeparator);
        if (at < 0)
            return IsValid(key) ? (DefaultOwner, key) : null;
        var (owner, id) = (key[..at], key[(at + 1)..]);
        return IsValidOwner(owner) && owner != DefaultOwner && IsValid(id) ? (owner, id) : null;
    }

    /// <summary>The reason <paramref name="key"/> is no job key, or null when it is one.</summary>
    public static string? KeyProblem(string? key) => Split(key) is null ? $"'{key}' {Rule} (with an owner: owner{OwnerSeparator}id, the owner {OwnerRule})" : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex SafeId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex SafeOwner();
}
