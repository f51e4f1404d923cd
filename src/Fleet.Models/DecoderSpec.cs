namespace Fleet.Models;

/// <summary>
/// A causal-lm entry's decoder graph: GPT-2 shape and the Optimum decoder_with_past tensor names
/// (<c>{i}</c> stands for the layer index), so the generator is driven by the catalog, not constants.
/// </summary>
public sealed record DecoderSpec
{
    public required int Layers { get; init; }

    public required int Heads { get; init; }

    /// <summary>The model width (n_embd); heads x head size.</summary>
    public required int Embedding { get; init; }

    public required int Vocabulary { get; init; }

    /// <summary>The longest sequence (prompt + caption) the position table covers.</summary>
    public required int MaxPositions { get; init; }

    /// <summary>The end-of-sequence id; also the padding id (padding is masked).</summary>
    public required int EndOfText { get; init; }

    /// <summary>The tokenizer; only <c>gpt2</c> (GPT-2 BPE) is known.</summary>
    public string Tokenizer { get; init; } = "gpt2";

    /// <summary>input_ids, attention_mask, position_ids, past key, past value.</summary>
    public IReadOnlyList<string> Inputs { get; init; } =
        ["input_ids", "attention_mask", "position_ids", "past_key_values.{i}.key", "past_key_values.{i}.value"];

    /// <summary>logits, present key, present value.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = ["logits", "present.{i}.key", "present.{i}.value"];

    /// <summary>
    /// The input that picks which token ids get logits (our exporter's <c>logit_token_ids</c>: every id gives the full
    /// head). Null for a graph without it (a plain Optimum export): the generator then reads the full logits.
    /// </summary>
    public string? LogitTokenIds { get; init; }

    public int HeadSize => Embedding / Heads;

    /// <summary>The graph's inputs in the order the generator feeds them: ids, mask, positions, then key/value per layer.</summary>
    public string[] InputNames() => [Inputs[0], Inputs[1], Inputs[2], .. PerLayer(Inputs[3], Inputs[4])];

    /// <summary>logits, then present key/value per layer (the order of <see cref="InputNames"/>' past).</summary>
    public string[] OutputNames() => [Outputs[0], .. PerLayer(Outputs[1], Outputs[2])];

    public void Validate(string modelName)
    {
        if (Layers <= 0 || Heads <= 0 || Embedding <= 0 || Embedding % Heads != 0 || Vocabulary <= 0 || MaxPositions <= 0)
        {
            throw new InvalidDataException($"'{modelName}': decoder needs positive layers, heads, vocabulary and maxPositions, and embedding divisible by heads");
        }

        if (EndOfText < 0 || EndOfText >= Vocabulary)
        {
            throw new InvalidDataException($"'{modelName}': decoder endOfText must be a vocabulary id");
        }

        if (Inputs.Count != 5 || Outputs.Count != 3)
        {
            throw new InvalidDataException($"'{modelName}': decoder needs 5 input names (ids, mask, positions, past key, past value) and 3 output names (logits, present key, present value)");
        }

        if (!string.Equals(Tokenizer, "gpt2", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"'{modelName}': decoder tokenizer '{Tokenizer}' is not supported (only gpt2)");
        }
    }

    private IEnumerable<string> PerLayer(string key, string value) =>
        Enumerable.Range(0, Layers).SelectMany(i => new[] { Layer(key, i), Layer(value, i) });

    private static string Layer(string template, int layer) =>
        template.Replace("{i}", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
