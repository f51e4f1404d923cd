using Fleet.Contracts;

namespace Fleet.Api.Jobs;

/// <summary>The body of POST /jobs: a JobSpec with optional fields (defaults as in JobSpec) and an optional job id.</summary>
public sealed record SubmitJobRequest
{
    public string? JobId { get; init; }
    public string? Dataset { get; init; }
    public string? Output { get; init; }
    public string? Classifier { get; init; }
    public int? ShardSize { get; init; }
    public int? TopK { get; init; }
    public string? Captioner { get; init; }
    public double? MaxFailedFraction { get; init; }
    public CaptionOptions? Caption { get; init; }

    public JobSpec ToSpec() => new()
    {
        Dataset = Dataset ?? "",
        Output = Output ?? "",
        Classifier = Classifier ?? JobSpec.DefaultClassifier,
        ShardSize = ShardSize ?? JobSpec.DefaultShardSize,
        TopK = TopK ?? JobSpec.DefaultTopK,
        Captioner = Captioner,
        MaxFailedFraction = MaxFailedFraction ?? JobSpec.DefaultMaxFailedFraction,
        Caption = Caption ?? new CaptionOptions(),
    };
}
