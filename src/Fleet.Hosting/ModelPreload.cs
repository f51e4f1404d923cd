using Fleet.Inference.Classification;
using Fleet.Worker.Labeling;
using Fleet.Worker.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Hosting;

/// <summary>
/// Starts loading a classifier into the silo's pool in the background, so it loads while storage and the silo start and
/// the job is planned (about a second on 2 cores: the sha256 check and the ONNX Runtime session) instead of after the
/// first shard is leased, then warms it up with one batch per shard in flight (ONNX Runtime's arena, cold code). A
/// failure is not reported here: the job's own load reports it, as it would without this.
/// </summary>
internal static class ModelPreload
{
    public static void Start(IServiceProvider services, string classifier) =>
        _ = Task.Run(async () =>
        {
            try
            {
                // "auto" is resolved as the shards will resolve it (loading the GPU model to see whether CUDA runs it).
                var resolved = await services.GetRequiredService<ClassifierChoice>().ResolveAsync(classifier);
                var model = await services.GetRequiredService<ClassifierPool>().GetAsync(resolved);
                model.WarmUp(services.GetRequiredService<IOptions<WorkerOptions>>().Value.EffectiveCapacity);
            }
            catch (Exception)
            {
                // The shard that needs the model loads it again and fails with the reason.
            }
        });
}
