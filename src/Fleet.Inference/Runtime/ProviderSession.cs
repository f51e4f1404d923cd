using Microsoft.ML.OnnxRuntime;

namespace Fleet.Inference.Runtime;

/// <summary>A session, the options it was built with (which must outlive it) and the provider that runs it.</summary>
public sealed class ProviderSession(InferenceSession session, SessionOptions options, string executionProvider) : IDisposable
{
    public InferenceSession Session { get; } = session;

    /// <summary><see cref="ExecutionProviders.Cuda"/> or <see cref="ExecutionProviders.Cpu"/>.</summary>
    public string ExecutionProvider { get; } = executionProvider;

    public void Dispose()
    {
        Session.Dispose();
        options.Dispose();
    }
}
