using Microsoft.ML.OnnxRuntime;

namespace Fleet.Inference.Runtime;

/// <summary>
/// A session, the options it was built with (which must outlive it) and the provider that runs it. Runs hold a
/// <see cref="Use"/> token, and disposing waits for them: a host shutting down while a batch is in ONNX Runtime
/// must not free the native session under it (that is a segfault, not an exception).
/// </summary>
public sealed class ProviderSession(InferenceSession session, SessionOptions options, string executionProvider) : IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private int _inUse;
    private volatile bool _disposed;

    public InferenceSession Session { get; } = session;

    /// <summary><see cref="ExecutionProviders.Cuda"/> or <see cref="ExecutionProviders.Cpu"/>.</summary>
    public string ExecutionProvider { get; } = executionProvider;

    /// <summary>Marks a run in progress until the token is disposed; throws once the session is being disposed.</summary>
    public RunToken Use()
    {
        Interlocked.Increment(ref _inUse);
        if (_disposed)
        {
            Interlocked.Decrement(ref _inUse);
            throw new ObjectDisposedException(nameof(ProviderSession), "the model session is shutting down");
        }
        return new RunToken(this);
    }

    public void Dispose()
    {
        _disposed = true;
        if (!SpinWait.SpinUntil(() => Volatile.Read(ref _inUse) == 0, DrainTimeout))
            return; // A run that never ends: leaking the session beats freeing it under that run.
        // ONNX Runtime writes the profile only when asked; closing the session alone loses it.
        if (options.EnableProfiling)
            Session.EndProfiling();
        Session.Dispose();
        options.Dispose();
    }

    public readonly struct RunToken(ProviderSession owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._inUse);
    }
}
