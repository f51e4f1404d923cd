namespace Fleet.Inference.Runtime;

/// <summary>Where ONNX Runtime should run a model.</summary>
public enum InferenceDevice
{
    /// <summary>CUDA when the native package and drivers provide it, else CPU.</summary>
    Auto,

    Cpu,

    /// <summary>Ask for CUDA; still falls back to CPU (with a warning) when CUDA cannot start.</summary>
    Cuda,
}
