namespace Fleet.Cli.Remote;

/// <summary>The API answered with an error (or could not be reached); the message is one line for the user.</summary>
public sealed class FleetApiException(string message, int exitCode, Exception? inner = null, int? status = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The API's HTTP status; null when it could not be reached.</summary>
    public int? Status { get; } = status;

    /// <summary>The API could not be reached, or answered that it (or the fleet behind it) cannot serve now: trying again may work.</summary>
    public bool Transient => InnerException is HttpRequestException || Status is 408 or 429 or >= 500;
}
