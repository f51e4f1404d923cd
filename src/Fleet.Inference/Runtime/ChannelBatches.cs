using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Fleet.Inference.Runtime;

/// <summary>Groups a channel's items into model batches, for every labeler that reads downloaded images.</summary>
public static class ChannelBatches
{
    /// <summary>
    /// Full batches of <paramref name="size"/>, or whatever is there once the writer has finished, so a model never
    /// waits for items that will not come.
    /// </summary>
    public static async IAsyncEnumerable<T[]> ReadBatchesAsync<T>(this ChannelReader<T> input, int size,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var batch = new List<T>(size);
        while (await input.WaitToReadAsync(cancellationToken))
        {
            while (batch.Count < size && input.TryRead(out var item))
                batch.Add(item);
            if (batch.Count == size || input.Completion.IsCompleted)
            {
                yield return [.. batch];
                batch.Clear();
            }
        }
        if (batch.Count > 0)
            yield return [.. batch];
    }
}
