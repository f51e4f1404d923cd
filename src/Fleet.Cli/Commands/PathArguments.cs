using Fleet.Storage.Samples;

namespace Fleet.Cli.Commands;

/// <summary>Local paths become absolute (the silo may not share the CLI's working directory); URIs and samples stay as given.</summary>
public static class PathArguments
{
    public static string Normalize(string value) =>
        SampleDatasetResolver.IsSample(value) || value.Contains("://", StringComparison.Ordinal) ? value : Path.GetFullPath(value);
}
