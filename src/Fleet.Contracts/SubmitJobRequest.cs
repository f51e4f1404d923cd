namespace Fleet.Contracts;

/// <summary>
/// The one door for jobs: the body of POST /jobs, and what `fleet submit`, `fleet run` and the dashboard's commands
/// send. Every field is optional but dataset and output; <see cref="ToSpec"/> applies the same defaults everywhere
/// (captions on unless <see cref="Captions"/> is false) and <see cref="Problems"/> the same rules, the job id's included.
/// </summary>
public sealed record SubmitJobRequest
{
    /// <summary>The job id; null lets <see cref="ResolveJobId"/> generate one.</summary>
    public string? JobId { get; init; }
    public string? Dataset { get; init; }
    public string? Output { get; init; }
    public string? Classifier { get; init; }
    public int? ShardSize { get; init; }
    public int? TopK { get; init; }
    /// <summary>False: rows carry labels only. Null or true: each row gets a caption.</summary>
    public bool? Captions { get; init; }
    /// <summary>The caption model; null means <see cref="JobSpec.DefaultCaptioner"/>.</summary>
    public string? Captioner { get; init; }
    public double? MaxFailedFraction { get; init; }
    public CaptionOptions? Caption { get; init; }
    /// <summary>The result parts' format: "jsonl" (the default) or "parquet" (<see cref="ResultFormats"/>).</summary>
    public string? Format { get; init; }

    /// <summary>The id this request runs under: its own, or a new one.</summary>
    public string ResolveJobId() => JobId ?? JobIds.New();

    public JobSpec ToSpec() => new()
    {
        Dataset = Dataset ?? "",
        Output = Output ?? "",
        Classifier = Classifier ?? JobSpec.DefaultClassifier,
        ShardSize = ShardSize ?? JobSpec.DefaultShardSize,
        TopK = TopK ?? JobSpec.DefaultTopK,
        Captioner = Captions == false ? null : Captioner ?? JobSpec.DefaultCaptioner,
        MaxFailedFraction = MaxFailedFraction ?? JobSpec.DefaultMaxFailedFraction,
        Caption = Caption ?? new CaptionOptions(),
        Format = ResultFormats.OrDefault(Format?.Trim().ToLowerInvariant()),
    };

    /// <summary>field -> reason for everything wrong with this request that needs no I/O (the id and the spec); empty when valid.</summary>
    public IReadOnlyDictionary<string, string> Problems(string jobId)
    {
        var problems = JobSpecValidator.Validate(ToSpec()).ToDictionary(p => p.Field, p => p.Reason);
        if (JobIds.Problem(jobId) is { } idProblem)
            problems["jobId"] = idProblem;
        return problems;
    }
}
