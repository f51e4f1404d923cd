namespace Fleet.Cli.Remote;

/// <summary>The API answered with an error (or could not be reached); the message is one line for the user.</summary>
public sealed class FleetApiException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
