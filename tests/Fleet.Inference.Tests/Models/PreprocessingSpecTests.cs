using Fleet.Models;

namespace Fleet.Inference.Tests.Models;

public sealed class PreprocessingSpecTests
{
    private static readonly PreprocessingSpec Float = new() { ResizeShorterSide = 256, CropSize = 224, Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };

    [Fact]
    public void Uint8_input_is_nhwc_and_float_input_nchw()
    {
        Float.Validate("float");
        (Float with { InputType = "uint8", Layout = "NHWC" }).Validate("bytes");

        Assert.Contains("NHWC for uint8", Assert.Throws<InvalidDataException>(() => (Float with { InputType = "uint8" }).Validate("m")).Message);
        Assert.Contains("NCHW for float32", Assert.Throws<InvalidDataException>(() => (Float with { Layout = "NHWC" }).Validate("m")).Message);
        Assert.Contains("inputType", Assert.Throws<InvalidDataException>(() => (Float with { InputType = "float16" }).Validate("m")).Message);
    }

    [Fact]
    public void The_catalogs_uint8_model_takes_bytes_with_the_float_models_constants()
    {
        var catalog = ModelCatalog.Load(Support.TestPaths.CatalogFile);
        var bytes = catalog.Get("mobilenetv2-12-float-rgb8");
        var source = catalog.Get("mobilenetv2-12-float");

        Assert.True(bytes.Preprocessing!.TakesBytes);
        Assert.Equal("image", bytes.Input);
        Assert.Equal(source.Preprocessing!.Mean, bytes.Preprocessing.Mean);
        Assert.Equal(source.Preprocessing.Std, bytes.Preprocessing.Std);
        Assert.Equal(source.Preprocessing.Scale, bytes.Preprocessing.Scale);
    }
}
