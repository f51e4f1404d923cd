namespace Fleet.Development;

/// <summary>
/// Watches Azurite's output for the line each of its three services prints once its server and stores are closed
/// ("Azurite Blob service successfully closed", Queue, Table; printed even with --silent): then its data is saved.
/// </summary>
internal sealed class AzuriteShutdownWatch
{
    private static readonly string[] Services = ["Blob", "Queue", "Table"];
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closed;

    /// <summary>Completes when all three services have said they are closed.</summary>
    public Task AllClosed => _allClosed.Task;

    public void Observe(string line)
    {
        if (!line.Contains("service successfully closed", StringComparison.Ordinal) || !Services.Any(s => line.Contains($"Azurite {s} ", StringComparison.Ordinal)))
            return;
        if (Interlocked.Increment(ref _closed) == Services.Length)
            _allClosed.TrySetResult();
    }
}
