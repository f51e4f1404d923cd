using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Inference.Imaging;

namespace Fleet.Inference.Classification;

/// <summary>
/// The silo's image decoders: a fixed number of threads (one per core by default), shared by every pipeline, so
/// decode uses the cores whatever the number of shards in flight and never crowds out the model's own threads. Each
/// image is decoded straight into its slot of a <see cref="ClassifierBatch"/>. Counts images and busy time, which
/// the silo publishes as <c>fleet.decode.*</c> beside the model's, so a reader sees which side is the bottleneck.
/// </summary>
public sealed class DecodeWorkers : IDisposable
{
    private static readonly Lazy<DecodeWorkers> SharedInstance = new(() => new DecodeWorkers(0));

    private readonly BlockingCollection<(BatchDecode Batch, int Index)> _work = [];
    private readonly Thread[] _threads;
    private long _images;
    private long _failed;
    private long _busyTicks;

    /// <param name="threads">Decoder threads; 0 means one per core (<see cref="Environment.ProcessorCount"/>).</param>
    public DecodeWorkers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        _threads = new Thread[Threads];
        for (var i = 0; i < Threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"fleet-decode-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>One per core, for callers outside a host (tools, tests) that have no configured instance.</summary>
    public static DecodeWorkers Shared => SharedInstance.Value;

    public int Threads { get; }

    /// <summary>Images decoded so far (failed ones included).</summary>
    public long ImagesDecoded => Interlocked.Read(ref _images);

    /// <summary>Images that did not decode (each becomes an error row).</summary>
    public long ImagesFailed => Interlocked.Read(ref _failed);

    /// <summary>Decoder thread time spent decoding and preprocessing, summed over threads (at most Threads x wall time).</summary>
    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    /// <summary>
    /// Decodes <paramref name="images"/> into slots 0..n-1 of <paramref name="batch"/>. A slot whose image fails is
    /// zeroed and its error returned at its index (null where the image decoded).
    /// </summary>
    public Task<(string Kind, string Message)?[]> DecodeAsync(ClassifierBatch batch, IReadOnlyList<ReadOnlyMemory<byte>> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count > batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(images), $"{images.Count} images do not fit a batch of {batch.Capacity}.");
        var decode = new BatchDecode(batch, images, cancellationToken);
        if (images.Count == 0)
            return Task.FromResult(decode.Errors);
        for (var i = 0; i < images.Count; i++)
            _work.Add((decode, i), CancellationToken.None);
        return decode.Completion.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var thread in _threads)
            thread.Join();
        _work.Dispose();
    }

    private void Work()
    {
        foreach (var (decode, index) in _work.GetConsumingEnumerable())
        {
            if (!decode.Cancellation.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    decode.Batch.Write(decode.Images[index], index);
                }
                catch (Exception e)
                {
                    // Whatever one image throws (a codec's allocation failure included) is that image's error row.
                    decode.Errors[index] = ImageErrorKinds.Of(e);
                    decode.Batch.Clear(index);
                    Interlocked.Increment(ref _failed);
                }
                Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref _images);
            }
            decode.Done();
        }
    }

    private sealed class BatchDecode(ClassifierBatch batch, IReadOnlyList<ReadOnlyMemory<byte>> images, CancellationToken cancellation)
    {
        private int _remaining = images.Count;

        public ClassifierBatch Batch { get; } = batch;
        public IReadOnlyList<ReadOnlyMemory<byte>> Images { get; } = images;
        public CancellationToken Cancellation { get; } = cancellation;
        public (string Kind, string Message)?[] Errors { get; } = new (string Kind, string Message)?[images.Count];
        public TaskCompletionSource<(string Kind, string Message)?[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Done()
        {
            if (Interlocked.Decrement(ref _remaining) != 0)
                return;
            if (Cancellation.IsCancellationRequested)
                Completion.TrySetCanceled(Cancellation);
            else
                Completion.TrySetResult(Errors);
        }
    }
}
