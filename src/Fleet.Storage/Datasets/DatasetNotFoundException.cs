namespace Fleet.Storage.Datasets;

/// <summary>The dataset a job names does not exist or cannot be reached; the message is meant for the user.</summary>
public sealed class DatasetNotFoundException(string message, Exception? inner = null) : Exception(message, inner);
