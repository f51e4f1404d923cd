namespace Fleet.Jobs.Planning;

/// <summary>The dataset was listed to the end and held no images: the job fails with this message as its reason.</summary>
public sealed class EmptyDatasetException(string message) : Exception(message);
