namespace Fleet.Api.Tests;

/// <summary>
/// Tests that measure this process (its managed heap): run alone, since every other test class of this project runs
/// its own API and silo in the same process and their allocations would count as the measured code's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMeasuringCollection
{
    public const string Name = "process measuring";
}
