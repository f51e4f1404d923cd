using Fleet.Worker.Workers;

namespace Fleet.Worker.Tests;

public sealed class WorkerOptionsTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(4, 2)]
    [InlineData(16, 8)]
    public void Shards_in_flight_default_to_half_the_cores_and_at_least_two(int cores, int expected) =>
        Assert.Equal(expected, WorkerOptions.DefaultCapacity(cores));

    [Fact]
    public void A_configured_capacity_wins() => Assert.Equal(5, new WorkerOptions { Capacity = 5 }.EffectiveCapacity);
}
