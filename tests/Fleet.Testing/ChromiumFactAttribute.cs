using Xunit;

namespace Fleet.Testing;

/// <summary>
/// A test that drives Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium): reported as skipped, with the
/// reason, where chromium is not installed (`apt-get install chromium`; tools/test.sh installs it under CI).
/// The dashboard and the results-page tests share it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath))
            Skip = $"{ChromiumPath} is not installed (apt-get install chromium): the browser tests need it";
    }
}
