namespace Fleet.Jobs.Claims;

[GenerateSerializer, Alias("fleet.OutputClaimRecord")]
public sealed class OutputClaimRecord
{
    /// <summary>Canonical output folder (ending in '/') -> the key of the job that owns it.</summary>
    [Id(0)] public Dictionary<string, string> Claims { get; set; } = new(StringComparer.Ordinal);
}
