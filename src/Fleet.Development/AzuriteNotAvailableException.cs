namespace Fleet.Development;

/// <summary>Azurite could not be started; the message says what to install or fix.</summary>
public sealed class AzuriteNotAvailableException(string message, Exception? inner = null) : Exception(message, inner);
