using Fleet.Contracts;
using Fleet.Inference.Captioning;
using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Fleet.Worker.Labeling;
using Fleet.Worker.Workers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Hosting;

/// <summary>
/// Loads the configured classifier (unset: the one a job's "auto" picks on this silo, the catalog's CUDA model where
/// CUDA runs it) and caption model once at start (each file checked against the catalog's sha256, each session logging
/// the execution provider it got) and reports the outcome on /health and to the silo's worker, which takes no work
/// without it: a GPU silo whose CUDA provider did not load would otherwise run jobs on its CPU while the GPU is billed.
/// It gates the work, not the container's readiness: a silo that joined the cluster must stay reachable on its silo
/// port, or its peers vote it dead (the Container Apps readiness probe is a TCP check of that port, infra/app/silos.bicep).
/// The outcome is computed once: a missing library or a bad model file does not fix itself without a restart.
/// </summary>
public sealed partial class InferenceReadiness(
    ClassifierPool classifiers,
    CaptionerPool captioners,
    ClassifierChoice choice,
    IOptions<InferenceOptions> options,
    ILogger<InferenceReadiness> logger) : BackgroundService, IHealthCheck, IWorkerReadiness
{
    private readonly Lazy<Task<HealthCheckResult>> _outcome = new(() => Task.Run(() => LoadAsync(classifiers, captioners, choice, options.Value, logger)));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await _outcome.Value.WaitAsync(cancellationToken);

    public async Task<string?> WaitAsync(CancellationToken cancellationToken) =>
        await _outcome.Value.WaitAsync(cancellationToken) is { Status: HealthStatus.Healthy } ? null : (await _outcome.Value).Description;

    // Start loading with the host instead of at the first probe, so the log says early which provider the silo got.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _outcome.Value.WaitAsync(stoppingToken);

    private static async Task<HealthCheckResult> LoadAsync(ClassifierPool classifiers, CaptionerPool captioners, ClassifierChoice choice, InferenceOptions options, ILogger logger)
    {
        try
        {
            var classifier = await classifiers.GetAsync(options.Classifier ?? await choice.ResolveAsync(JobSpec.AutoClassifier));
            var captioner = await captioners.GetAsync(options.Captioner);
            var summary = $"classifier on {classifier.ExecutionProvider}, captioner on {captioner.ExecutionProvider}";
            if (options.Device == InferenceDevice.Cuda &&
                (classifier.ExecutionProvider != ExecutionProviders.Cuda || captioner.ExecutionProvider != ExecutionProviders.Cuda))
            {
                LogCudaMissing(logger, summary);
                return HealthCheckResult.Unhealthy($"Fleet:Inference:Device is cuda but the {summary}");
            }

            LogReady(logger, summary);
            return HealthCheckResult.Healthy(summary);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
            return HealthCheckResult.Unhealthy("the models did not load", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference ready: {Summary}")]
    private static partial void LogReady(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "CUDA was asked for (Fleet:Inference:Device=cuda) and did not load: {Summary}; the silo stays not ready")]
    private static partial void LogCudaMissing(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "The models did not load; the silo stays not ready")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
