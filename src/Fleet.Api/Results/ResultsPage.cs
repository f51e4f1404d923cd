namespace Fleet.Api.Results;

/// <summary>
/// The results page: one static HTML file and one script, embedded in the API (no framework, no build step). The
/// script renders with textContent only (a caption or URI is never markup), under a policy that allows no inline
/// script and no other origin, and sends no Referer (the first visit's URL holds the signed link).
/// </summary>
public static class ResultsPage
{
    private static readonly byte[] HtmlBytes = Load("index.html");
    private static readonly byte[] ScriptBytes = Load("page.js");

    public static IResult Html(HttpContext context)
    {
        Secure(context);
        return TypedResults.Bytes(HtmlBytes, "text/html; charset=utf-8");
    }

    public static IResult Script(HttpContext context)
    {
        Secure(context);
        return TypedResults.Bytes(ScriptBytes, "text/javascript; charset=utf-8");
    }

    private static void Secure(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(ResultsPage).Assembly.GetManifestResourceStream($"Fleet.Api.Results.Page.{name}")
            ?? throw new InvalidOperationException($"the results page's {name} is not embedded in the API");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
