namespace Fleet.Development;

/// <summary>
/// Fleet's storage for a run on this machine: the connection string given, else an Azurite started here with its data
/// under <c>location</c> (so the same job id resumes next time). Disposing stops the Azurite it started, if any.
/// </summary>
public sealed class DevelopmentStorage : IAsyncDisposable
{
    private readonly AzuriteInstance? _azurite;

    private DevelopmentStorage(string connectionString, string description, AzuriteInstance? azurite, Task ready)
    {
        ConnectionString = connectionString;
        Description = description;
        _azurite = azurite;
        Ready = ready;
    }

    /// <summary>Completes when the storage answers (at once for configured storage); faults if Azurite did not start.</summary>
    public Task Ready { get; }

    public string ConnectionString { get; }

    /// <summary>Where the storage came from, for the summary.</summary>
    public string Description { get; }

    public static async Task<DevelopmentStorage> StartAsync(string? connectionString, string location, string? toolsRoot, CancellationToken cancellationToken)
    {
        var storage = Begin(connectionString, location, toolsRoot, cancellationToken);
        await storage.Ready;
        return storage;
    }

    /// <summary>
    /// Like <see cref="StartAsync"/> but returns as soon as the connection string is known, with Azurite still starting
    /// (<see cref="Ready"/>): `fleet run` builds its silo and loads the model meanwhile (Azurite's start-up is ~1-2 s of node).
    /// </summary>
    public static DevelopmentStorage Begin(string? connectionString, string location, string? toolsRoot, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
            return new DevelopmentStorage(connectionString, "configured storage", azurite: null, Task.CompletedTask);
        var options = new AzuriteOptions { Location = location, ToolsRoot = toolsRoot };
        var azurite = AzuriteLauncher.Launch(options);
        return new DevelopmentStorage(azurite.ConnectionString, $"Azurite at {azurite.BlobEndpoint} (data in {location})", azurite,
            AzuriteLauncher.WaitUntilReadyAsync(azurite, options, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
            await _azurite.DisposeAsync();
    }
}
