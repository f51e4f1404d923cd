using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fleet.Inference.Runtime;

/// <summary>
/// Host memory that ONNX Runtime reads and writes in place and that never moves: reused from batch to batch, so no run
/// allocates or copies a tensor on the managed side. On the CUDA provider it is page-locked memory from ONNX Runtime's
/// CUDA pinned allocator (the DMA engine copies it to the device without a staging copy, asynchronously); on the CPU
/// provider an array on the pinned object heap.
/// </summary>
public sealed class PinnedTensorBuffer : IDisposable
{
    private readonly OrtMemoryAllocation? _allocation;
    private readonly OrtAllocator? _allocator;

    // Keeps the pinned array alive; its address never changes (pinned object heap).
    private readonly byte[]? _array;

    private PinnedTensorBuffer(IntPtr pointer, long bytes, OrtMemoryInfo memoryInfo, bool isCudaPinned, byte[]? array, OrtAllocator? allocator, OrtMemoryAllocation? allocation)
    {
        Address = pointer;
        Bytes = bytes;
        MemoryInfo = memoryInfo;
        IsCudaPinned = isCudaPinned;
        _array = array;
        _allocator = allocator;
        _allocation = allocation;
    }

    /// <summary>Where the memory starts; fixed for the buffer's life.</summary>
    public IntPtr Address { get; }

    public long Bytes { get; }

    /// <summary>Where ONNX Runtime is told the memory lives (CPU, or CUDA pinned host memory).</summary>
    public OrtMemoryInfo MemoryInfo { get; }

    /// <summary>Page-locked by the CUDA allocator (true), or pinned managed memory (false).</summary>
    public bool IsCudaPinned { get; }

    /// <summary>Pinned managed memory, for the CPU provider (or wherever CUDA pinned memory is not to be had).</summary>
    public static PinnedTensorBuffer Managed(long bytes)
    {
        var array = GC.AllocateUninitializedArray<byte>(checked((int)bytes), pinned: true);
        return new PinnedTensorBuffer(Marshal.UnsafeAddrOfPinnedArrayElement(array, 0), bytes, OrtMemoryInfo.DefaultInstance, false, array, null, null);
    }

    /// <summary>Page-locked host memory from the CUDA provider's pinned allocator of <paramref name="session"/>.</summary>
    public static PinnedTensorBuffer CudaPinned(InferenceSession session, int deviceId, long bytes)
    {
        var memoryInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.CpuOutput);
        OrtAllocator? allocator = null;
        try
        {
            allocator = new OrtAllocator(session, memoryInfo);
            var allocation = allocator.Allocate(checked((uint)bytes));
            return new PinnedTensorBuffer(allocation.DangerousGetHandle(), bytes, memoryInfo, true, null, allocator, allocation);
        }
        catch
        {
            allocator?.Dispose();
            memoryInfo.Dispose();
            throw;
        }
    }

    /// <summary>The first <paramref name="length"/> elements as a span; the buffer must outlive it.</summary>
    public unsafe Span<T> AsSpan<T>(int length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)length * sizeof(T), Bytes, nameof(length));
        return new Span<T>((void*)Address, length);
    }

    /// <summary>A tensor of <paramref name="shape"/> over the start of this buffer (no copy); dispose it after the run.</summary>
    public OrtValue Tensor(TensorElementType elementType, long[] shape, int elementSize)
    {
        var bytes = shape.Aggregate(1L, (a, b) => a * b) * elementSize;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Bytes, nameof(shape));
        return OrtValue.CreateTensorValueWithData(MemoryInfo, elementType, shape, Address, bytes);
    }

    public void Dispose()
    {
        _allocation?.Dispose();
        _allocator?.Dispose();
        if (IsCudaPinned)
            MemoryInfo.Dispose();
        GC.KeepAlive(_array);
    }
}
