using System.Text.Json.Serialization;

namespace Fleet.Bench.Infrastructure;

/// <summary>Min, median and max of one figure over the runs, as printed in every scenario's JSON line.</summary>
internal sealed record Spread(
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("median")] double Median,
    [property: JsonPropertyName("max")] double Max)
{
    public static Spread Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
            return new Spread(double.NaN, double.NaN, double.NaN);
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Spread(Round(sorted[0]), Round(median), Round(sorted[^1]));
    }

    /// <summary>Ratios run by run (both measured in the same run), then spread.</summary>
    public static Spread OfRatios(IReadOnlyList<double> numerators, IReadOnlyList<double> denominators) =>
        Of(numerators.Zip(denominators, (n, d) => d == 0 ? double.NaN : n / d).ToArray());

    private static double Round(double value) => Math.Round(value, value >= 100 ? 1 : 3);
}
