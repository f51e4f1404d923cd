namespace Fleet.Models;

/// <summary>One entry of <c>models/catalog.json</c>: a file we can find, verify and load.</summary>
public sealed record ModelEntry
{
    public required string Name { get; init; }

    /// <summary>One of <see cref="ModelKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The file name, the same in the repo, the cache and the mirror.</summary>
    public required string File { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file; every copy is checked against it before use.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size in bytes; a cheap check before hashing.</summary>
    public required long Size { get; init; }

    public string? SourceUrl { get; init; }

    public string? License { get; init; }

    public string? Description { get; init; }

    /// <summary>Classifier: the name of the image input tensor.</summary>
    public string? Input { get; init; }

    /// <summary>Classifier: the name of the score output tensor.</summary>
    public string? Output { get; init; }

    /// <summary>Classifier: <c>logits</c> (softmax is applied) or <c>probabilities</c> (used as is).</summary>
    public string? OutputKind { get; init; }

    /// <summary>Classifier: the name of the catalog entry that holds the class labels.</summary>
    public string? Labels { get; init; }

    public PreprocessingSpec? Preprocessing { get; init; }

    /// <summary>Causal-lm: the decoder graph's shape and tensor names.</summary>
    public DecoderSpec? Decoder { get; init; }

    /// <summary>Causal-lm: the prompt, with <c>{labels}</c> standing for the image's labels joined by ", ".</summary>
    public string? PromptTemplate { get; init; }

    /// <summary>Causal-lm: the caption-lexicon entry whose words ground its captions in the classifier's labels.</summary>
    public string? Lexicon { get; init; }

    /// <summary>Causal-lm: where the weights came from when the file is converted from another format (e.g. a Hugging Face checkpoint).</summary>
    public string? ConvertedFrom { get; init; }

    /// <summary>The top-1 accuracy the publisher reports, for comparison with ours.</summary>
    public double? PublishedTop1 { get; init; }

    public bool IsKind(string kind) => string.Equals(Kind, kind, StringComparison.OrdinalIgnoreCase);
}
