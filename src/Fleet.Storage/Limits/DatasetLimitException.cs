namespace Fleet.Storage.Limits;

/// <summary>
/// A dataset went past one of the <see cref="ItemLimits"/> that bound a whole listing (a manifest line, the lines of a
/// manifest, the shards of a job). Planning stops and the job fails with this message, which names the setting.
/// </summary>
public sealed class DatasetLimitException(string message) : Exception(message);
