using System.Text.RegularExpressions;

namespace Fleet.Storage.Security;

/// <summary>
/// The one redaction rule for anything that leaves a process (logs, exception messages, error rows, status, descriptions):
/// the query of every URI goes (a SAS's sig, se, sp, sv, skoid..., and any token, code or key parameter live there), and
/// the secret settings of connection strings (AccountKey=, SharedAccessSignature=, ...) lose their values.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    /// <summary>A URI as it may be shown: no query, fragment or user info. Text that is not an absolute URI gets <see cref="Text"/>.</summary>
    public static string Uri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.IsFile || !uri.Contains("://", StringComparison.Ordinal))
            return Text(uri);
        var builder = new UriBuilder(parsed) { Query = "", Fragment = "", UserName = "", Password = "" };
        // UriBuilder adds the default port back when it was implicit; keep the URI as the user wrote it.
        return builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    /// <summary>A URI as written, less the user info of its authority (<c>user:password@</c>); anything else unchanged.</summary>
    public static string WithoutUserInfo(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return uri;
        var authority = scheme + 3;
        var end = uri.IndexOfAny(['/', '\\', '?', '#'], authority);
        var at = uri.LastIndexOf('@', end < 0 ? uri.Length - 1 : end - 1, (end < 0 ? uri.Length : end) - authority);
        return at < 0 ? uri : string.Concat(uri.AsSpan(0, authority), uri.AsSpan(at + 1));
    }

    /// <summary>Free text (a message, a log line, a connection string) with every secret it carries removed.</summary>
    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        var redacted = UriQuery().Replace(text, m => m.Groups["uri"].Value);
        redacted = UserInfo().Replace(redacted, m => m.Groups["scheme"].Value);
        redacted = ConnectionStringSecret().Replace(redacted, m => $"{m.Groups["name"].Value}={Mask}");
        return SecretParameter().Replace(redacted, m => $"{m.Groups["name"].Value}={Mask}");
    }

    /// <summary>True when <paramref name="text"/> would change under <see cref="Text"/> (a secret is in it).</summary>
    public static bool HasSecret(string? text) => !string.IsNullOrEmpty(text) && Text(text) != text;

    // The query of a URI in free text, up to white space, a quote or a bracket (its end in JSON, logs and messages).
    [GeneratedRegex(@"(?<uri>\b[a-z][a-z0-9+.-]*://[^\s?#""'<>()\[\]]*)\?[^\s#""'<>()\[\]]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriQuery();

    // user:password@ in a URI's authority.
    [GeneratedRegex(@"(?<scheme>\b[a-z][a-z0-9+.-]*://)[^\s/@""'<>]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"\b(?<name>AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd|ClientSecret)\s*=\s*[^;\s""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringSecret();

    // A SAS field or token outside a URI (a pasted query, "?sv=...&sig=..."): every SAS field name, and the usual secret names.
    [GeneratedRegex(@"(?<![\w-])(?<name>sig|sv|se|st|sp|spr|srt|ss|sr|si|sdd|ses|skoid|sktid|skt|ske|sks|skv|saoid|suoid|scid|rscc|rscd|rsce|rscl|rsct|code|token|access_token|refresh_token|id_token|key|apikey|api_key|api-key|client_secret|secret|password)=[^&\s""'#;]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();
}
