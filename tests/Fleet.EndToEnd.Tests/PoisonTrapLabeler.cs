using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Inference.Classification;
using Fleet.Worker.Labeling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fleet.EndToEnd.Tests;

/// <summary>
/// The silo's real labeler, except that an image carrying <see cref="Marker"/> "kills the process": the trap tells the
/// test (which kills this silo abruptly, as a native crash would) and never returns. Everything else goes through the
/// real model. In-process silos cannot really die, so the test does the dying; what the engine sees is the same: a
/// worker that stops mid-image, leases that are never renewed, reported or handed back.
/// </summary>
public sealed class PoisonTrapLabeler(ModelImageLabeler inner, Action onPoison) : IImageLabeler
{
    /// <summary>A JPEG comment (COM segment) text: the image stays a valid photo.</summary>
    public static readonly byte[] Marker = "fleet-test: this image crashes its worker"u8.ToArray();

    public int BatchSize => inner.BatchSize;

    public Task<string?> ExecutionProviderAsync(string classifier, CancellationToken cancellationToken) => inner.ExecutionProviderAsync(classifier, cancellationToken);

    /// <summary>Replaces a silo's labeler with the trap; <paramref name="onPoison"/> gets the trap that fired (the silo's <see cref="IImageLabeler"/>).</summary>
    public static void Install(IServiceCollection services, Action<IImageLabeler> onPoison)
    {
        services.RemoveAll<IImageLabeler>();
        services.AddSingleton<ModelImageLabeler>();
        services.AddSingleton<IImageLabeler>(sp =>
        {
            PoisonTrapLabeler? trap = null;
            trap = new PoisonTrapLabeler(sp.GetRequiredService<ModelImageLabeler>(), () => onPoison(trap!));
            return trap;
        });
    }

    /// <summary><paramref name="jpeg"/> with the marker in a comment segment right after its start-of-image marker.</summary>
    public static byte[] Poison(byte[] jpeg)
    {
        var length = Marker.Length + 2;
        byte[] comment = [0xFF, 0xFE, (byte)(length >> 8), (byte)length, .. Marker];
        return [.. jpeg.AsSpan(0, 2), .. comment, .. jpeg.AsSpan(2)];
    }

    public async Task LabelAsync(JobSpec spec, ChannelReader<EncodedImage> input, Func<ClassifiedBatch, Task> onBatch, CancellationToken cancellationToken)
    {
        var passed = Channel.CreateUnbounded<EncodedImage>();
        var labeling = inner.LabelAsync(spec, passed.Reader, onBatch, cancellationToken);
        try
        {
            await foreach (var image in input.ReadAllAsync(cancellationToken))
            {
                if (image.Bytes.Span.IndexOf(Marker) >= 0)
                {
                    onPoison();
                    // Not even the silo's stop ends it: a crashed process runs no more code, so nothing may hand the
                    // lease back (a stopping worker returns its shards, which would hide the crash from the job).
                    await Task.Delay(Timeout.Infinite, CancellationToken.None);
                }
                await passed.Writer.WriteAsync(image, cancellationToken);
            }
            passed.Writer.Complete();
        }
        catch (Exception e)
        {
            passed.Writer.TryComplete(e);
            throw;
        }
        await labeling;
    }
}
