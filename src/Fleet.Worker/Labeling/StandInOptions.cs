namespace Fleet.Worker.Labeling;

/// <summary>
/// A stand-in for the model, bound from <c>Fleet:Inference:StandIn</c>, for measuring the control plane alone
/// (tools/Fleet.Bench control-plane). Off unless <see cref="WaitMs"/> is above 0; never for real jobs: rows get a fixed label.
/// </summary>
public sealed record StandInOptions
{
    public const string SectionName = "Fleet:Inference:StandIn";

    /// <summary>Milliseconds each batch takes, spent waiting (no CPU), one batch at a time per silo like one accelerator.</summary>
    public int WaitMs { get; set; }
}
