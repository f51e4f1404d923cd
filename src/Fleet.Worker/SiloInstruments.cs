using System.Diagnostics.Metrics;

namespace Fleet.Worker;

/// <summary>
/// A Fleet counter or up-down counter whose every measurement carries this silo's name (<see cref="Fleet.Telemetry.FleetTelemetry.SiloTagName"/>):
/// callers cannot forget the tag that splits throughput per silo.
/// </summary>
public sealed class SiloCounter(Action<long, KeyValuePair<string, object?>> add, KeyValuePair<string, object?> silo)
{
    public void Add(long delta) => add(delta, silo);
}

/// <summary>A Fleet histogram whose every measurement carries this silo's name.</summary>
public sealed class SiloHistogram(Histogram<double> histogram, KeyValuePair<string, object?> silo)
{
    public void Record(double value) => histogram.Record(value, silo);
}
