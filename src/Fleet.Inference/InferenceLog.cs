using Microsoft.Extensions.Logging;

namespace Fleet.Inference;

/// <summary>The library's log messages, source-generated so a disabled level costs nothing.</summary>
internal static partial class InferenceLog
{
    [LoggerMessage(5, LogLevel.Information, "ONNX Runtime runs {Model} on {Provider}")]
    public static partial void ProviderChosen(ILogger logger, string model, string provider);

    [LoggerMessage(EventId = 6, Message = "ONNX Runtime runs {Model} on {Provider}: CUDA is unavailable ({Reason})")]
    public static partial void CudaFallback(ILogger logger, LogLevel level, string model, string provider, string reason);

    [LoggerMessage(7, LogLevel.Warning, "CUDA pinned host memory is unavailable for {Model}, using pinned managed memory ({Reason})")]
    public static partial void PinnedMemoryFallback(ILogger logger, string model, string reason);
}
