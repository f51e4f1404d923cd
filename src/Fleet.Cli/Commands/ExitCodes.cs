namespace Fleet.Cli.Commands;

/// <summary>Process exit codes, so scripts can tell a failed job from a bad request or a broken machine.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int JobFailed = 1;
    public const int Rejected = 2;
    public const int Environment = 3;
    public const int Interrupted = 130;
}
