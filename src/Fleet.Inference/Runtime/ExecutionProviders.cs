using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Fleet.Inference.Runtime;

/// <summary>
/// Creates an <see cref="InferenceSession"/> on the best provider we are allowed: CUDA when asked (or on auto when
/// the native package has it), else CPU. CUDA can fail when the provider is appended (library missing) or when the
/// session is created (driver, cuDNN), so both steps fall back.
/// </summary>
public static class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";

    /// <summary>Creates a session for <paramref name="modelPath"/>; the result names the provider in use.</summary>
    public static ProviderSession CreateSession(string modelPath, InferenceOptions options, ILogger logger)
    {
        var modelName = Path.GetFileName(modelPath);
        string? cudaFailure = null;
        if (ShouldTryCuda(options.Device))
        {
            SessionOptions? cudaOptions = null;
            try
            {
                cudaOptions = CreateBaseOptions(options);
                using (var provider = new OrtCUDAProviderOptions())
                {
                    provider.UpdateOptions(options.Cuda.ToProviderOptions(options.DeviceId));
                    cudaOptions.AppendExecutionProvider_CUDA(provider);
                }
                var session = new InferenceSession(modelPath, cudaOptions);
                InferenceLog.ProviderChosen(logger, modelName, $"{Cuda} (device {options.DeviceId})");
                return new ProviderSession(session, cudaOptions, Cuda);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
            {
                cudaOptions?.Dispose();
                cudaFailure = ex.Message;
            }
        }

        var cpuOptions = CreateBaseOptions(options);
        try
        {
            var session = new InferenceSession(modelPath, cpuOptions);
            if (cudaFailure is null)
            {
                InferenceLog.ProviderChosen(logger, modelName, Cpu);
            }
            else
            {
                // Asked-for CUDA that does not start is worth a warning; auto falling back is expected.
                var level = options.Device == InferenceDevice.Cuda ? LogLevel.Warning : LogLevel.Information;
                var reason = FirstLine(cudaFailure);
                InferenceLog.CudaFallback(logger, level, modelName, Cpu, reason);
            }

            return new ProviderSession(session, cpuOptions, Cpu);
        }
        catch
        {
            cpuOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Auto tries CUDA only when the loaded native library was built with it and the CUDA runtime it needs can be
    /// loaded: otherwise ONNX Runtime prints a native error to the console on every CPU host before falling back.
    /// </summary>
    public static bool ShouldTryCuda(InferenceDevice device) => device switch
    {
        InferenceDevice.Cuda => true,
        InferenceDevice.Auto => OrtEnv.Instance().GetAvailableProviders().Contains(Cuda) && CudaRuntimeLoads(),
        _ => false,
    };

    // ONNX Runtime 1.31's CUDA provider links against CUDA 13's cuBLASLt.
    private static bool CudaRuntimeLoads()
    {
        var name = OperatingSystem.IsWindows() ? "cublasLt64_13.dll" : "libcublasLt.so.13";
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(name, out var handle))
            return false;
        System.Runtime.InteropServices.NativeLibrary.Free(handle);
        return true;
    }

    private static SessionOptions CreateBaseOptions(InferenceOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = Enum.Parse<GraphOptimizationLevel>(options.GraphOptimization, ignoreCase: true),
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.IntraOpSpinning ? "1" : "0");
        sessionOptions.IntraOpNumThreads = options.EffectiveIntraOpThreads;

        // Per-node times (kernels, memcpy nodes) to find where a batch's time goes; see docs/benchmarks.md.
        if (!string.IsNullOrEmpty(options.ProfilePrefix))
        {
            // The prefix first: enabling passes the prefix set at that moment to ONNX Runtime.
            sessionOptions.ProfileOutputPathPrefix = options.ProfilePrefix;
            sessionOptions.EnableProfiling = true;
        }

        return sessionOptions;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
