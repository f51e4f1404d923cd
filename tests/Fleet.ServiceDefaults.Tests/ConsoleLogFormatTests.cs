using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaults.Tests;

/// <summary>The console lines a host writes (Serilog's console sink, Console.Out captured for the test).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleLogFormatTests
{
    private static string[] LogLines(string? format, Action<ILogger> log)
    {
        var captured = new StringWriter();
        var original = Console.Out;
        Console.SetOut(captured);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = "Testing" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [ConsoleLogFormat.Key] = format });
            builder.AddFleetLogging();
            using (var host = builder.Build())
                log(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Fleet.Test"));
            return captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public void With_json_each_line_is_a_JSON_object_with_the_message_level_and_properties()
    {
        var lines = LogLines("json", logger =>
        {
            logger.LogWarning("Shard {Shard} of {JobId} was slow", 7, "job-1");
            logger.LogInformation("Job {JobId} planned", "job-1");
        });

        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var warning = Assert.Single(events, e => e.GetProperty("@m").GetString() == "Shard 7 of \"job-1\" was slow");
        Assert.Equal("Warning", warning.GetProperty("@l").GetString());
        Assert.Equal(7, warning.GetProperty("Shard").GetInt32());
        Assert.Equal("job-1", warning.GetProperty("JobId").GetString());
        Assert.True(warning.TryGetProperty("@t", out _));
        // CLEF leaves the level out for Information.
        var information = Assert.Single(events, e => e.GetProperty("@m").GetString() == "Job \"job-1\" planned");
        Assert.False(information.TryGetProperty("@l", out _));
    }

    [Fact]
    public void By_default_lines_are_text()
    {
        var lines = LogLines(null, logger => logger.LogWarning("Shard {Shard} was slow", 7));

        var line = Assert.Single(lines, l => l.Contains("Shard 7 was slow", StringComparison.Ordinal));
        Assert.StartsWith("[", line);
        Assert.Contains("WRN", line);
    }

    [Fact]
    public void An_unknown_format_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConsoleLogFormat.From(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ConsoleLogFormat.Key] = "xml" }).Build()));

        Assert.Contains("'xml'", error.Message);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console.Out is captured";
}
