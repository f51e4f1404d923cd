using System.CommandLine;
using Fleet.Contracts;

namespace Fleet.Cli.Commands;

/// <summary>
/// The flags that describe a job, shared by `fleet run` and `fleet submit`, and the one mapping from them to the
/// request every door takes (<see cref="SubmitJobRequest"/>): unset flags stay null, so the request's defaults apply.
/// </summary>
public sealed class JobRequestOptions
{
    private readonly Argument<string> _dataset;
    private readonly Option<string> _output = new("--out", "-o") { Description = "Output folder or blob container URI; rows go to <out>/<job>/part-*.jsonl (or .parquet)", Required = true };
    private readonly Option<string?> _jobId;
    private readonly Option<int?> _shardSize = new("--shard-size") { Description = $"Images per shard (default {JobSpec.DefaultShardSize})" };
    private readonly Option<int?> _topK = new("--top-k") { Description = $"Labels per image (default {JobSpec.DefaultTopK})" };
    private readonly Option<string?> _classifier = new("--classifier") { Description = $"Classifier model from models/catalog.json (default {JobSpec.DefaultClassifier})" };
    private readonly Option<bool> _noCaption = new("--no-caption") { Description = "Label only, no captions" };
    private readonly Option<string?> _captioner = new("--captioner") { Description = $"Caption model from models/catalog.json (default {JobSpec.DefaultCaptioner})" };
    private readonly Option<float?> _captionMinScore = new("--caption-min-score") { Description = $"The lowest score at which a label other than the top one is evidence a caption may name (default {Contracts.CaptionOptions.DefaultMinLabelScore}; docs/captions.md)" };
    private readonly Option<bool> _greedyCaptions = new("--greedy-captions") { Description = "Always the caption model's most likely words (every image with the same labels gets the same caption); default: sampled, seeded per image" };
    private readonly Option<string?> _format = new("--format") { Description = $"Result parts' format: {string.Join(" or ", ResultFormats.All)} (default {ResultFormats.Default})" };
    private readonly Option<double?> _maxFailed = new("--max-failed-fraction") { Description = $"Fail the job when more than this fraction of images fail (default {JobSpec.DefaultMaxFailedFraction})" };

    public JobRequestOptions(string datasetDescription, string jobIdDescription)
    {
        _dataset = new Argument<string>("dataset") { Description = datasetDescription };
        _jobId = new Option<string?>("--job") { Description = jobIdDescription };
    }

    public void AddTo(Command command)
    {
        command.Add(_dataset);
        foreach (var option in new Option[] { _output, _jobId, _shardSize, _topK, _classifier, _noCaption, _captioner, _captionMinScore, _greedyCaptions, _maxFailed, _format })
            command.Add(option);
    }

    public SubmitJobRequest ToRequest(ParseResult parse) => new()
    {
        JobId = parse.GetValue(_jobId),
        Dataset = PathArguments.Normalize(parse.GetValue(_dataset)!),
        Output = PathArguments.Normalize(parse.GetValue(_output)!),
        ShardSize = parse.GetValue(_shardSize),
        TopK = parse.GetValue(_topK),
        Classifier = parse.GetValue(_classifier),
        Captions = !parse.GetValue(_noCaption),
        Captioner = parse.GetValue(_captioner),
        Caption = CaptionSettings(parse),
        MaxFailedFraction = parse.GetValue(_maxFailed),
        Format = parse.GetValue(_format),
    };

    // Null unless a caption flag is given, so the request's defaults apply (and a resumed job's spec stays the same).
    private CaptionOptions? CaptionSettings(ParseResult parse) =>
        parse.GetValue(_captionMinScore) is null && !parse.GetValue(_greedyCaptions)
            ? null
            : new CaptionOptions { MinLabelScore = parse.GetValue(_captionMinScore) ?? Contracts.CaptionOptions.DefaultMinLabelScore, Greedy = parse.GetValue(_greedyCaptions) };
}
