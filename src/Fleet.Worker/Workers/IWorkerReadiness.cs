namespace Fleet.Worker.Workers;

/// <summary>
/// Decides once whether this silo's worker may take work (the silo host's models loaded on the device it asked for), so
/// that readiness gates the work and never the silo's cluster ports: a silo that has joined must stay reachable.
/// </summary>
public interface IWorkerReadiness
{
    /// <summary>Null once the worker may lease; otherwise why it must not. Waits for the outcome.</summary>
    Task<string?> WaitAsync(CancellationToken cancellationToken);
}
