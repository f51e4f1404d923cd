namespace Fleet.Inference.Runtime;

/// <summary>
/// ONNX Runtime CUDA provider settings (<c>Fleet:Inference:Cuda</c>). The defaults are ONNX Runtime's own, so a silo
/// that sets nothing runs as before; tools/gpu-bench measures the alternatives before any default changes.
/// </summary>
public sealed record CudaProviderOptions
{
    /// <summary>
    /// <c>EXHAUSTIVE</c> (ONNX Runtime's default: benchmarks every cuDNN convolution algorithm on the first run of a
    /// shape), <c>HEURISTIC</c> (cuDNN's guess, no warm-up cost) or <c>DEFAULT</c>.
    /// </summary>
    public string CudnnConvAlgoSearch { get; set; } = "EXHAUSTIVE";

    /// <summary>
    /// Copies on the default stream (true, ONNX Runtime's default, the safe choice) or on a separate copy stream
    /// (false: copies may overlap kernels, worth measuring with pinned inputs).
    /// </summary>
    public bool DoCopyInDefaultStream { get; set; } = true;

    /// <summary>How the device memory arena grows: <c>kNextPowerOfTwo</c> (default) or <c>kSameAsRequested</c>.</summary>
    public string ArenaExtendStrategy { get; set; } = "kNextPowerOfTwo";

    /// <summary>The device memory arena's limit in bytes; 0 means no limit (ONNX Runtime's default).</summary>
    public long GpuMemoryLimit { get; set; }

    /// <summary>Lets cuDNN use as much workspace as its fastest algorithm wants (ONNX Runtime's default: true).</summary>
    public bool CudnnConvUseMaxWorkspace { get; set; } = true;

    /// <summary>The provider's option names and values, as <c>OrtCUDAProviderOptions.UpdateOptions</c> takes them.</summary>
    public Dictionary<string, string> ToProviderOptions(int deviceId)
    {
        var options = new Dictionary<string, string>
        {
            ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = CudnnConvAlgoSearch,
            ["do_copy_in_default_stream"] = DoCopyInDefaultStream ? "1" : "0",
            ["arena_extend_strategy"] = ArenaExtendStrategy,
            ["cudnn_conv_use_max_workspace"] = CudnnConvUseMaxWorkspace ? "1" : "0",
        };
        if (GpuMemoryLimit > 0)
            options["gpu_mem_limit"] = GpuMemoryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return options;
    }

    /// <summary>Problems with the values (empty when valid), so a typo fails at start, not in the provider.</summary>
    public IEnumerable<string> Problems()
    {
        if (CudnnConvAlgoSearch is not ("EXHAUSTIVE" or "HEURISTIC" or "DEFAULT"))
            yield return $"Fleet:Inference:Cuda:CudnnConvAlgoSearch must be EXHAUSTIVE, HEURISTIC or DEFAULT (is '{CudnnConvAlgoSearch}')";
        if (ArenaExtendStrategy is not ("kNextPowerOfTwo" or "kSameAsRequested"))
            yield return $"Fleet:Inference:Cuda:ArenaExtendStrategy must be kNextPowerOfTwo or kSameAsRequested (is '{ArenaExtendStrategy}')";
        if (GpuMemoryLimit < 0)
            yield return "Fleet:Inference:Cuda:GpuMemoryLimit must be 0 (no limit) or positive";
    }
}
