namespace Fleet.Contracts;

[GenerateSerializer, Alias("fleet.JobState")]
public enum JobState
{
    NotFound = 0,
    Planning = 1,
    Running = 2,
    Succeeded = 3,
    Failed = 4,
    Cancelled = 5,
}

public static class JobStateExtensions
{
    public static bool IsTerminal(this JobState state) =>
        state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
