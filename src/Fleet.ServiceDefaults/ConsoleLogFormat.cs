using Microsoft.Extensions.Configuration;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace Fleet.ServiceDefaults;

/// <summary>
/// How console lines look (Fleet:Logging:ConsoleFormat): text for people (the default), or json on Azure, where
/// Container Apps ships each line to Log Analytics and a JSON line keeps its properties, level and trace ids as fields.
/// JSON is CLEF (Serilog.Formatting.Compact, rendered): @t, @m, @l (absent for Information, as CLEF defines), @tr/@sp
/// (the trace and span, so a line finds its trace in Application Insights), then the event's own properties.
/// </summary>
public static class ConsoleLogFormat
{
    public const string Key = "Fleet:Logging:ConsoleFormat";
    public const string Json = "json";

    /// <summary>The JSON formatter where configuration asks for json; null for Serilog's text lines.</summary>
    public static ITextFormatter? From(IConfiguration configuration) => configuration[Key]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "text" => null,
        Json => new RenderedCompactJsonFormatter(),
        var other => throw new InvalidOperationException($"{Key} is '{other}'; use 'text' or 'json'."),
    };
}
