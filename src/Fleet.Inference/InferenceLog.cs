using Microsoft.Extensions.Logging;

namespace Fleet.Inference;

/// <summary>The library's log messages, source-generated so a disabled level costs nothing.</summary>
internal static partial class InferenceLog
{
    [LoggerMessage(1, LogLevel.Debug, "Model {Model} found in the {Place}: {Path}")]
    public static partial void ModelFound(ILogger logger, string model, string place, string path);

    [LoggerMessage(2, LogLevel.Information, "Downloading model {Model} from {Url} to {Path}")]
    public static partial void ModelDownloading(ILogger logger, string model, string url, string path);

    [LoggerMessage(3, LogLevel.Information, "Downloaded and verified model {Model} ({Bytes} bytes)")]
    public static partial void ModelDownloaded(ILogger logger, string model, long bytes);

    [LoggerMessage(4, LogLevel.Warning, "Could not delete {Path}")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(5, LogLevel.Information, "ONNX Runtime runs {Model} on {Provider}")]
    public static partial void ProviderChosen(ILogger logger, string model, string provider);

    [LoggerMessage(EventId = 6, Message = "ONNX Runtime runs {Model} on {Provider}: CUDA is unavailable ({Reason})")]
    public static partial void CudaFallback(ILogger logger, LogLevel level, string model, string provider, string reason);
}
