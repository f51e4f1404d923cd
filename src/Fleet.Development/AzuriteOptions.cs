namespace Fleet.Development;

/// <summary>How to start Azurite: in memory (tests) or persisted under <see cref="Location"/> (the CLI's ./.fleet/).</summary>
public sealed record AzuriteOptions
{
    /// <summary>Folder for Azurite's data; null keeps everything in memory.</summary>
    public string? Location { get; init; }

    /// <summary>Folder holding node_modules/azurite; null searches upwards from the current and the app directory.</summary>
    public string? ToolsRoot { get; init; }

    /// <summary>How long to wait for all three services to answer.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The node executable; "node" on PATH by default.</summary>
    public string NodeExecutable { get; init; } = "node";
}
