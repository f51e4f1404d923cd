using Fleet.Inference.Classification;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;

namespace Fleet.Inference.Tests.Runtime;

[Collection(ClassifierCollection.Name)]
public sealed class ProfilingTests(ClassifierFixture fixture)
{
    [Fact]
    public async Task A_profile_prefix_writes_onnx_runtimes_trace_when_the_session_closes()
    {
        using var folder = new TempDirectory();
        var prefix = Path.Combine(folder.Path, "classifier");
        var classifier = await ImageClassifier.LoadAsync(fixture.Catalog, fixture.Resolver,
            options: new InferenceOptions { Device = InferenceDevice.Cpu, BatchSize = 2, ProfilePrefix = prefix });
        classifier.ClassifyEncoded([File.ReadAllBytes(ImageNetSample.Load()[0].Path)], topK: 1);

        classifier.Dispose();

        var trace = Assert.Single(Directory.GetFiles(folder.Path, "classifier*.json"));
        var text = await File.ReadAllTextAsync(trace);
        Assert.Contains("\"cat\" : \"Node\"", text.Replace("\"cat\":\"Node\"", "\"cat\" : \"Node\""));
    }
}
