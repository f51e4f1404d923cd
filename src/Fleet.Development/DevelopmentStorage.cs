namespace Fleet.Development;

/// <summary>
/// Fleet's storage for a run on this machine: the connection string given, else an Azurite started here with its data
/// under <c>location</c> (so the same job id resumes next time). Disposing stops the Azurite it started, if any.
/// </summary>
public sealed class DevelopmentStorage : IAsyncDisposable
{
    private readonly AzuriteInstance? _azurite;

    private DevelopmentStorage(string connectionString, string description, AzuriteInstance? azurite)
    {
        ConnectionString = connectionString;
        Description = description;
        _azurite = azurite;
    }

    public string ConnectionString { get; }

    /// <summary>Where the storage came from, for the summary.</summary>
    public string Description { get; }

    public static async Task<DevelopmentStorage> StartAsync(string? connectionString, string location, string? toolsRoot, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
            return new DevelopmentStorage(connectionString, "configured storage", azurite: null);
        var azurite = await AzuriteLauncher.StartAsync(new AzuriteOptions { Location = location, ToolsRoot = toolsRoot }, cancellationToken);
        return new DevelopmentStorage(azurite.ConnectionString, $"Azurite at {azurite.BlobEndpoint} (data in {location})", azurite);
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
            await _azurite.DisposeAsync();
    }
}
