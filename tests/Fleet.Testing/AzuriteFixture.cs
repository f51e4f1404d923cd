using Fleet.Development;
using Xunit;

namespace Fleet.Testing;

/// <summary>An in-memory Azurite on free ports for one test class (or collection), stopped at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteInstance? _instance;

    public AzuriteInstance Instance => _instance ?? throw new InvalidOperationException("Azurite is not started");

    public string ConnectionString => Instance.ConnectionString;

    public async Task InitializeAsync() =>
        _instance = await AzuriteLauncher.StartAsync(new AzuriteOptions { ToolsRoot = TestPaths.RepoRoot });

    public async Task DisposeAsync()
    {
        if (_instance is not null)
            await _instance.DisposeAsync();
    }
}
