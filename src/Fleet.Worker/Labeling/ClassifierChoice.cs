using Fleet.Contracts;
using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Fleet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Labeling;

/// <summary>
/// Which classifier a job's "auto" means on this silo, decided once: the catalog's GPU-resident model where this
/// silo's CUDA provider loads and runs it, else the CPU default (the int8 model, which has no CUDA kernels). A GPU
/// model that cannot be loaded here, or lands on the CPU provider, falls back to the CPU default.
/// The silo's classifier pool is optional: a host with the stand-in labeler only has none (and always picks the CPU default).
/// </summary>
public sealed class ClassifierChoice(ModelCatalog catalog, IOptions<InferenceOptions> options, ILogger<ClassifierChoice> logger, ClassifierPool? pool = null)
{
    private readonly Lazy<Task<string>> _auto = new(() => Task.Run(() => ChooseAsync(catalog, pool, options.Value, logger)));

    /// <summary>The classifier to run for a job that asked for <paramref name="requested"/>.</summary>
    public Task<string> ResolveAsync(string requested) =>
        requested == JobSpec.AutoClassifier ? _auto.Value : Task.FromResult(requested);

    private static async Task<string> ChooseAsync(ModelCatalog catalog, ClassifierPool? pool, InferenceOptions options, ILogger logger)
    {
        var cpu = catalog.GetDefault(ModelKinds.Classifier).Name;
        if (!catalog.Defaults.TryGetValue(ModelKinds.CudaClassifier, out var gpu) || pool is null || !ExecutionProviders.ShouldTryCuda(options.Device))
        {
            logger.LogInformation("Classifier \"auto\" on this silo: {Classifier} (no CUDA provider here)", cpu);
            return cpu;
        }
        try
        {
            // Loaded through the silo's pool, so the model the choice loaded is the one the shards run.
            var classifier = await pool.GetAsync(gpu);
            if (classifier.ExecutionProvider == ExecutionProviders.Cuda)
            {
                logger.LogInformation("Classifier \"auto\" on this silo: {Classifier} on {Provider}", gpu, classifier.ExecutionProvider);
                return gpu;
            }
            logger.LogWarning("Classifier \"auto\": {Gpu} did not start on CUDA here; using {Cpu}", gpu, cpu);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("Classifier \"auto\": {Gpu} could not be loaded here ({Error}); using {Cpu}", gpu, e.Message, cpu);
        }
        return cpu;
    }
}
