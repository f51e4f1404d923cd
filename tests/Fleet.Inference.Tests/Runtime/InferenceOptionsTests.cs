using Fleet.Inference.Runtime;

namespace Fleet.Inference.Tests.Runtime;

public sealed class InferenceOptionsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(16, 16)]
    public void Intra_op_threads_default_to_one_per_core(int cores, int expected) =>
        Assert.Equal(expected, InferenceOptions.DefaultIntraOpThreads(cores));

    [Fact]
    public void Settings_given_in_configuration_win_over_the_core_count()
    {
        var options = new InferenceOptions { IntraOpThreads = 3 };

        Assert.Equal(3, options.EffectiveIntraOpThreads);
    }

    [Fact]
    public void Unset_settings_come_from_this_machine() =>
        Assert.Equal(Environment.ProcessorCount, new InferenceOptions().EffectiveIntraOpThreads);
}
