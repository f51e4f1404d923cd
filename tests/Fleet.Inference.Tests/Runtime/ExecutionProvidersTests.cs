using Fleet.Models;
using Fleet.Inference.Runtime;
using Fleet.Inference.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Fleet.Inference.Tests.Runtime;

[Collection(ClassifierCollection.Name)]
public sealed class ExecutionProvidersTests(ClassifierFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Asking_for_cuda_without_cuda_falls_back_to_cpu_with_one_warning()
    {
        var logger = new RecordingLogger();
        var modelPath = await fixture.Resolver.ResolveAsync(fixture.Catalog.GetDefault(ModelKinds.Classifier));

        using var session = ExecutionProviders.CreateSession(modelPath, new InferenceOptions { Device = InferenceDevice.Cuda, IntraOpThreads = 1 }, logger);

        Assert.Equal(ExecutionProviders.Cpu, session.ExecutionProvider);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("CUDA is unavailable", entry.Message);
        output.WriteLine(entry.Message);
    }

    [Fact]
    public async Task Auto_uses_cpu_quietly_when_the_native_library_has_no_cuda()
    {
        var logger = new RecordingLogger();
        var modelPath = await fixture.Resolver.ResolveAsync(fixture.Catalog.GetDefault(ModelKinds.Classifier));

        using var session = ExecutionProviders.CreateSession(modelPath, new InferenceOptions { Device = InferenceDevice.Auto, IntraOpThreads = 1 }, logger);

        Assert.Equal(ExecutionProviders.Cpu, session.ExecutionProvider);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains(ExecutionProviders.Cpu, entry.Message);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
