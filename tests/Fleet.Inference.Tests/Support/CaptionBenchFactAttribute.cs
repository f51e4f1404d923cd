namespace Fleet.Inference.Tests.Support;

/// <summary>A benchmark fact that runs only with FLEET_CAPTION_BENCH=1 and is reported as skipped, with how to run it, otherwise.</summary>
public sealed class CaptionBenchFactAttribute : FactAttribute
{
    public CaptionBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FLEET_CAPTION_BENCH") != "1")
        {
            Skip = "a benchmark: FLEET_CAPTION_BENCH=1 dotnet test tests/Fleet.Inference.Tests --filter CaptionBenchmark --logger \"console;verbosity=detailed\"";
        }
    }
}
