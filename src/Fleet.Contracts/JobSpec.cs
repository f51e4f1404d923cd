namespace Fleet.Contracts;

/// <summary>What a user asks for: label and caption every image of a dataset into an output (made from a <see cref="SubmitJobRequest"/>).</summary>
[GenerateSerializer, Alias("fleet.JobSpec")]
public sealed record JobSpec
{
    /// <summary>A local folder, a file:// URI, a blob container/prefix URI, or a sample name (sample:imagenet-100).</summary>
    [Id(0)] public required string Dataset { get; init; }

    /// <summary>A local folder or a blob container URI; rows land under {Output}/{jobId}/.</summary>
    [Id(1)] public required string Output { get; init; }

    [Id(2)] public string Classifier { get; init; } = DefaultClassifier;

    [Id(3)] public int ShardSize { get; init; } = DefaultShardSize;

    [Id(4)] public int TopK { get; init; } = DefaultTopK;

    /// <summary>Causal-LM model name for captions; null means rows carry no caption.</summary>
    [Id(5)] public string? Captioner { get; init; }

    /// <summary>The job fails when more than this fraction of its images end as error rows.</summary>
    [Id(6)] public double MaxFailedFraction { get; init; } = DefaultMaxFailedFraction;

    /// <summary>Generation settings for <see cref="Captioner"/>.</summary>
    [Id(7)] public CaptionOptions Caption { get; init; } = new();

    /// <summary>The result parts' file format (<see cref="ResultFormats"/>); every shard of a job is written in the same one.</summary>
    [Id(8)] public string Format { get; init; } = ResultFormats.Default;

    /// <summary>
    /// The submitting principal's limits (<see cref="IntakeScope"/>), set by the API; null: only the fleet's intake policy.
    /// (Id 12, not the next free one, so specs extended on other branches do not collide.)
    /// </summary>
    [Id(12)] public IntakeScope? Scope { get; init; }

    /// <summary>
    /// A classifier chosen by each silo for its hardware: the catalog's GPU-resident default ("classifier-cuda") where
    /// the silo's CUDA provider runs it, else the CPU default ("classifier"). Rows and _SUCCESS.json name what ran.
    /// </summary>
    public const string AutoClassifier = "auto";
    /// <summary>What a job gets unless it names a classifier: the hardware's choice (a test keeps the name in step with the catalog's).</summary>
    public const string DefaultClassifier = AutoClassifier;
    /// <summary>The catalog's default caption model: what a request gets unless it turns captions off.</summary>
    public const string DefaultCaptioner = "fleet-caption-gpt2-small";
    public const int DefaultShardSize = 64;
    public const int DefaultTopK = 5;
    public const double DefaultMaxFailedFraction = 0.01;
}
