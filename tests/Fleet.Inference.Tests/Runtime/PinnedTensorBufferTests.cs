using Fleet.Inference.Runtime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fleet.Inference.Tests.Runtime;

public sealed class PinnedTensorBufferTests
{
    [Fact]
    public void A_tensor_over_the_buffer_sees_what_was_written_without_a_copy()
    {
        using var buffer = PinnedTensorBuffer.Managed(6 * sizeof(float));
        float[] values = [1, 2, 3, 4, 5, 6];
        values.CopyTo(buffer.AsSpan<float>(6));

        using var tensor = buffer.Tensor(TensorElementType.Float, [2, 2], sizeof(float));

        Assert.Equal([1f, 2, 3, 4], tensor.GetTensorDataAsSpan<float>().ToArray());
        buffer.AsSpan<float>(6)[0] = 42;
        Assert.Equal(42f, tensor.GetTensorDataAsSpan<float>()[0]);
    }

    [Fact]
    public void A_shape_larger_than_the_buffer_is_refused()
    {
        using var buffer = PinnedTensorBuffer.Managed(4);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Tensor(TensorElementType.UInt8, [1, 5], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan<float>(2));
    }
}
