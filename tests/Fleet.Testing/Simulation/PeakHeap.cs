using System.Diagnostics;

namespace Fleet.Testing.Simulation;

/// <summary>
/// Samples this process's managed heap every 100 ms and keeps the peak (all simulated silos share the process, so the
/// heap is theirs together), and reads the peak working set (Linux keeps that one itself).
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

    public double PeakWorkingSetMB
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64 / 1024.0 / 1024.0;
        }
    }

    private void Sample()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        long peak;
        do
        {
            peak = Interlocked.Read(ref _peakHeap);
        }
        while (heap > peak && Interlocked.CompareExchange(ref _peakHeap, heap, peak) != peak);
    }

    public void Dispose() => _timer.Dispose();
}
