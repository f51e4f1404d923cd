using Fleet.Inference.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Inference.Tests.Runtime;

public sealed class CudaProviderOptionsTests
{
    [Fact]
    public void Defaults_are_onnx_runtimes_own()
    {
        var options = new CudaProviderOptions().ToProviderOptions(0);

        Assert.Equal("EXHAUSTIVE", options["cudnn_conv_algo_search"]);
        Assert.Equal("1", options["do_copy_in_default_stream"]);
        Assert.Equal("kNextPowerOfTwo", options["arena_extend_strategy"]);
        Assert.Equal("1", options["cudnn_conv_use_max_workspace"]);
        Assert.Equal("0", options["device_id"]);
        Assert.False(options.ContainsKey("gpu_mem_limit"));
    }

    [Fact]
    public void Bound_from_fleet_inference_cuda()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Inference:DeviceId"] = "1",
            ["Fleet:Inference:Cuda:CudnnConvAlgoSearch"] = "HEURISTIC",
            ["Fleet:Inference:Cuda:DoCopyInDefaultStream"] = "false",
            ["Fleet:Inference:Cuda:ArenaExtendStrategy"] = "kSameAsRequested",
            ["Fleet:Inference:Cuda:GpuMemoryLimit"] = "8589934592",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddFleetInference().BuildServiceProvider();

        var inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        var provider = inference.Cuda.ToProviderOptions(inference.DeviceId);

        Assert.Equal("HEURISTIC", provider["cudnn_conv_algo_search"]);
        Assert.Equal("0", provider["do_copy_in_default_stream"]);
        Assert.Equal("kSameAsRequested", provider["arena_extend_strategy"]);
        Assert.Equal("8589934592", provider["gpu_mem_limit"]);
        Assert.Equal("1", provider["device_id"]);
    }

    [Fact]
    public void A_misspelt_value_fails_validation()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Inference:Cuda:CudnnConvAlgoSearch"] = "exhaustiv",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddFleetInference().BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InferenceOptions>>().Value);
        Assert.Contains("CudnnConvAlgoSearch", ex.Message);
    }
}
