namespace Fleet.Api;

/// <summary>Names this assembly (and so its entry point) for WebApplicationFactory in tests.</summary>
public sealed class ApiAssembly
{
    private ApiAssembly()
    {
    }
}
