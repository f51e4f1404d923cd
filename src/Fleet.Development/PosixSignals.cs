using System.Runtime.InteropServices;

namespace Fleet.Development;

/// <summary>SIGTERM for a child process: .NET can only kill, and a killed Azurite loses metadata it has not flushed yet.</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    public static bool TryTerminate(int processId) =>
        !OperatingSystem.IsWindows() && Kill(processId, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
