namespace Fleet.Contracts;

/// <summary>The HTTP header that carries the fleet's API key: the API checks it, the CLI and the AppHost's commands send it.</summary>
public static class ApiKeyHeader
{
    public const string Name = "X-Api-Key";
}
