using Microsoft.Extensions.Logging;

namespace Fleet.Models;

/// <summary>The resolver's log messages, source-generated so a disabled level costs nothing.</summary>
internal static partial class ModelLog
{
    [LoggerMessage(1, LogLevel.Debug, "Model {Model} found in the {Place}: {Path}")]
    public static partial void ModelFound(ILogger logger, string model, string place, string path);

    [LoggerMessage(2, LogLevel.Information, "Downloading model {Model} from {Url} to {Path}")]
    public static partial void ModelDownloading(ILogger logger, string model, string url, string path);

    [LoggerMessage(3, LogLevel.Information, "Downloaded and verified model {Model} ({Bytes} bytes)")]
    public static partial void ModelDownloaded(ILogger logger, string model, long bytes);

    [LoggerMessage(4, LogLevel.Warning, "Could not delete {Path}")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string path);
}
