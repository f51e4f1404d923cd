namespace Fleet.Storage.Results;

/// <summary>Another attempt committed the shard first and its commit discarded this attempt's staged rows.</summary>
public sealed class ShardSupersededException(string message, Exception? inner = null) : Exception(message, inner);
