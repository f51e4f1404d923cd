namespace Fleet.Testing.Simulation;

/// <summary>
/// Samples this process's managed heap as the last garbage collection left it (live objects and fragmentation, not the
/// garbage allocated since) every 100 ms and keeps the peak; all simulated silos share the process, so the heap is
/// theirs together. The peak working set Linux keeps itself.
/// </summary>
internal sealed class PeakHeap : IDisposable
{
    private readonly Timer _timer;
    private long _peakHeap;

    public PeakHeap() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

    public double PeakHeapMB
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peakHeap) / 1024.0 / 1024.0;
        }
    }

    /// <summary>VmHWM of /proc/self/status (Linux); NaN elsewhere.</summary>
    public static double PeakWorkingSetMB
    {
        get
        {
            const string Field = "VmHWM:";
            if (!File.Exists("/proc/self/status"))
                return double.NaN;
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(Field, StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line[Field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    private void Sample()
    {
        var heap = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
        long peak;
        do
        {
            peak = Interlocked.Read(ref _peakHeap);
        }
        while (heap > peak && Interlocked.CompareExchange(ref _peakHeap, heap, peak) != peak);
    }

    public void Dispose() => _timer.Dispose();
}
