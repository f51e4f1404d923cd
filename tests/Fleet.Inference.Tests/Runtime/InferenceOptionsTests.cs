using Fleet.Inference.Runtime;

namespace Fleet.Inference.Tests.Runtime;

public sealed class InferenceOptionsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(8, 8)]
    [InlineData(16, 16)]
    public void Intra_op_threads_default_to_one_on_few_cores_and_one_per_core_on_many(int cores, int expected) =>
        Assert.Equal(expected, InferenceOptions.DefaultIntraOpThreads(cores));

    [Fact]
    public void Settings_given_in_configuration_win_over_the_core_count()
    {
        var options = new InferenceOptions { IntraOpThreads = 3 };

        Assert.Equal(3, options.EffectiveIntraOpThreads);
    }

    [Fact]
    public void Unset_settings_come_from_this_machine() =>
        Assert.Equal(InferenceOptions.DefaultIntraOpThreads(Environment.ProcessorCount), new InferenceOptions().EffectiveIntraOpThreads);
}
