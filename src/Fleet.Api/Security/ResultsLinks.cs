using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Api.Results;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Security;

/// <summary>
/// Signed, short-lived links to one job's results page. A browser cannot send X-Api-Key, and a key in a URL would be
/// a key in the history, the logs and every Referer; a link instead names one job and an expiry, signed with HMAC-SHA256
/// under the server's secret, so it opens that job's page, rows and thumbnails (read only) and nothing else, until it
/// expires. The secret is <see cref="ResultsOptions.LinkSecret"/>, else derived from the API keys (HKDF), so rotating
/// the keys revokes every link. Text: base64url(jobKey|expiresUnixSeconds).base64url(mac).
/// </summary>
public sealed class ResultsLinks(IOptions<ResultsOptions> results, IOptions<ApiKeyOptions> keys, TimeProvider clock)
{
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("fleet results-page links v1");

    private readonly byte[] _secret = Secret(results.Value, keys.Value);

    public TimeSpan Lifetime => results.Value.LinkLifetime;

    /// <summary>A link token for <paramref name="jobKey"/> and when it expires.</summary>
    public (string Token, DateTimeOffset Expires) Issue(string jobKey)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{jobKey}|{expires.ToUnixTimeSeconds()}"));
        return ($"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_secret, payload))}", expires);
    }

    /// <summary>The job key and expiry of a genuine, unexpired token; null for anything else.</summary>
    public (string JobKey, DateTimeOffset Expires)? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512 || token.Split('.') is not [var payloadText, var macText])
            return null;
        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(payloadText);
            mac = Base64Url.DecodeFromChars(macText);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_secret, payload)))
            return null;
        var text = Encoding.UTF8.GetString(payload);
        var bar = text.LastIndexOf('|');
        if (bar <= 0 || !long.TryParse(text[(bar + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expires > clock.GetUtcNow() ? (text[..bar], expires) : null;
    }

    private static byte[] Secret(ResultsOptions results, ApiKeyOptions keys)
    {
        if (results.LinkSecret.Length > 0)
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(results.LinkSecret), 32, info: Purpose);
        var material = string.Join('\n', keys.Principals().Select(p => $"{p.Principal}:{p.Key}").Order(StringComparer.Ordinal));
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(material), 32, info: Purpose);
    }
}
