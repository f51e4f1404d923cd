namespace Fleet.Storage.Datasets;

/// <summary>An item that a manifest listed but that names nothing readable (an "invalid:" item); the message says why.</summary>
public sealed class InvalidDatasetItemException(string message) : Exception(message);
