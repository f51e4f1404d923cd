using Fleet.Inference.Runtime;
using Fleet.Worker.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Hosting;

/// <summary>Logs the silo's <see cref="SiloTuning"/> once, when it starts.</summary>
internal sealed partial class SiloTuningLog(IOptions<InferenceOptions> inference, IOptions<WorkerOptions> worker, ILogger<SiloTuningLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogTuning(logger, SiloTuning.From(inference.Value, worker.Value).ToString());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Tuning for this machine: {Tuning}")]
    private static partial void LogTuning(ILogger logger, string tuning);
}
