using Fleet.Inference.Captioning.Grounding;
using Fleet.Models;
using Fleet.Inference.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace Fleet.Inference.Captioning;

/// <summary>
/// Writes captions with a GPT-2 decoder graph (Optimum decoder_with_past names) from the catalog: one ONNX
/// Runtime session, created once and shared. Prompts are batched with left padding, an attention mask and
/// position ids; the prompt runs once with an empty past and every further step feeds one token per row and
/// the previous step's key/value cache. A model that names a caption lexicon writes grounded captions
/// (docs/captions.md): an opening worded by the scores is forced, then every token must spell a free word or
/// a phrase the image's labels license, and the graph computes logits only for those tokens when it can.
/// All members are thread-safe; every call uses its own buffers.
/// </summary>
public sealed class CaptionGenerator : IDisposable
{
    private readonly ProviderSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Lazy<bool[]> _endsSentence;
    private readonly Lazy<bool[]> _longWordStarts;
    private readonly GroundedVocabulary? _grounded;
    private readonly string? _logitTokenIdsInput;
    private readonly LogitColumns _allColumns;

    private CaptionGenerator(ModelEntry model, ProviderSession session, int batchSize, CaptionLexicon? lexicon)
    {
        Model = model;
        Decoder = model.Decoder!;
        PromptTemplate = model.PromptTemplate!;
        _session = session;
        _inputNames = Decoder.InputNames();
        _outputNames = Decoder.OutputNames();
        BatchSize = Math.Max(1, batchSize);
        _endsSentence = new(FindSentenceEnds);
        _longWordStarts = new(FindLongWordStarts);
        CheckModelNames(session.Session, model, _inputNames, _outputNames);
        Lexicon = lexicon;
        _grounded = lexicon is null ? null : new GroundedVocabulary(lexicon, Tokenizer, Decoder.EndOfText);
        _logitTokenIdsInput = Decoder.LogitTokenIds is { } name && session.Session.InputMetadata.ContainsKey(name) ? name : null;
        _allColumns = LogitColumns.All(Decoder.Vocabulary);
    }

    /// <summary>The grounding rule's word lists; null when the model's catalog entry names none (captions are then free text).</summary>
    public CaptionLexicon? Lexicon { get; }

    /// <summary>Whether the graph computes logits for a subset of tokens (its logit_token_ids input).</summary>
    public bool ComputesLogitSubsets => _logitTokenIdsInput is not null;

    public ModelEntry Model { get; }

    public string ModelName => Model.Name;

    public DecoderSpec Decoder { get; }

    public string PromptTemplate { get; }

    public CaptionTokenizer Tokenizer => CaptionTokenizer.Gpt2;

    /// <summary>The ONNX Runtime provider running the model (<see cref="ExecutionProviders.Cuda"/> or <see cref="ExecutionProviders.Cpu"/>).</summary>
    public string ExecutionProvider => _session.ExecutionProvider;

    /// <summary>Prompts per batch of <c>Run</c> calls (<see cref="InferenceOptions.BatchSize"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Resolves the causal-lm <c>modelName</c> (null: the catalog's default) and opens a session.</summary>
    public static async Task<CaptionGenerator> LoadAsync(
        ModelCatalog catalog,
        ModelResolver resolver,
        string? modelName = null,
        InferenceOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        var model = catalog.Get(modelName, ModelKinds.CausalLm);

        var modelPath = await resolver.ResolveAsync(model, cancellationToken);
        var lexicon = catalog.GetLexiconFor(model) is { } entry
            ? CaptionLexicon.Load(await resolver.ResolveAsync(entry, cancellationToken))
            : null;
        return Create(model, modelPath, options ?? new InferenceOptions(), logger, lexicon);
    }

    /// <summary>Opens a session for a model file already on disk; <paramref name="lexicon"/> null writes ungrounded captions.</summary>
    public static CaptionGenerator Create(ModelEntry model, string modelPath, InferenceOptions options, ILogger? logger = null, CaptionLexicon? lexicon = null)
    {
        if (model.Decoder is null || model.PromptTemplate is null)
        {
            throw new ArgumentException($"Model '{model.Name}' lacks a decoder or promptTemplate in the catalog.", nameof(model));
        }

        model.Decoder.Validate(model.Name);
        var session = ExecutionProviders.CreateSession(modelPath, options, logger ?? NullLogger.Instance);
        try
        {
            return new CaptionGenerator(model, session, options.BatchSize, lexicon);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The prompt ids for one image's labels (most confident first).</summary>
    public IReadOnlyList<int> EncodePrompt(IReadOnlyList<string> labels) =>
        Tokenizer.Encode(CaptionPrompt.Format(PromptTemplate, labels));

    /// <summary>
    /// One cleaned, one-sentence caption per image, from its labels and scores: grounded when the model has a lexicon
    /// (the forced opening, then only licensed words); an empty string when the model wrote nothing usable.
    /// </summary>
    public IReadOnlyList<string> Generate(IReadOnlyList<CaptionRequest> requests, CaptionSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        settings ??= CaptionSettings.Default;
        var rule = settings.Rule;
        var openings = new string?[requests.Count];
        var prompts = new List<IReadOnlyList<int>>(requests.Count);
        var constraints = new GroundedContinuation?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var labels = requests[i].Labels;
            if (labels.Count == 0)
            {
                throw new ArgumentException($"Caption request '{requests[i].Key}' has no labels.", nameof(requests));
            }

            var evidence = rule.Evidence(labels);
            var prompt = EncodePrompt([.. evidence.Take(settings.PromptLabels).Select(l => l.Label)]);
            if (_grounded is not null)
            {
                var opening = CaptionFrame.For(labels, rule, Lexicon);
                var openingTokens = Tokenizer.Encode(" " + opening);
                openings[i] = opening;
                prompt = [.. prompt, .. openingTokens];
                constraints[i] = new GroundedContinuation(_grounded, _grounded.Licensed(new CaptionLicence(evidence, Lexicon)), openingTokens, LabelWording.Words(opening).Count);
            }

            prompts.Add(prompt);
        }

        var seeds = requests.Select(r => StableHash(r.Key)).ToArray();
        var tokens = Run(prompts, settings, useKvCache: true, seeds, constraints, cancellationToken);
        return [.. tokens.Select((ids, i) => openings[i] is { } opening ? CaptionText.AfterOpening(opening, Tokenizer.Decode(ids)) : CaptionText.Clean(Tokenizer.Decode(ids)))];
    }

    /// <summary>
    /// The generated ids per prompt (without the prompt and without end-of-text; a sentence end is kept).
    /// <paramref name="useKvCache"/> false recomputes the whole sequence every step (an empty past each time):
    /// slower, for tests and benchmarks.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> GenerateTokens(
        IReadOnlyList<IReadOnlyList<int>> prompts,
        CaptionSettings? settings = null,
        bool useKvCache = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return Run(prompts, settings ?? CaptionSettings.Default, useKvCache, [.. Enumerable.Range(0, prompts.Count)], new GroundedContinuation?[prompts.Count], cancellationToken);
    }

    private IReadOnlyList<IReadOnlyList<int>> Run(
        IReadOnlyList<IReadOnlyList<int>> prompts,
        CaptionSettings settings,
        bool useKvCache,
        IReadOnlyList<int> seeds,
        IReadOnlyList<GroundedContinuation?> constraints,
        CancellationToken cancellationToken)
    {
        settings.Validate();
        foreach (var prompt in prompts)
        {
            if (prompt.Count == 0 || prompt.Count + settings.MaxNewTokens > Decoder.MaxPositions)
            {
                throw new ArgumentException($"A prompt needs 1 to {Decoder.MaxPositions - settings.MaxNewTokens} tokens for {settings.MaxNewTokens} new tokens; one has {prompt.Count}.", nameof(prompts));
            }
        }

        var results = new IReadOnlyList<int>[prompts.Count];
        // Bucket by length: batching prompts of similar length wastes fewer padded positions on every step.
        var order = Enumerable.Range(0, prompts.Count).OrderBy(i => prompts[i].Count).ToArray();
        for (var start = 0; start < prompts.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var members = order.AsSpan(start, Math.Min(BatchSize, prompts.Count - start)).ToArray();
            var rows = members.Select(i => prompts[i]).ToList();
            var rowConstraints = members.Select(i => constraints[i]).ToArray();
            var batch = new GenerationBatch(rows, [.. members.Select(i => seeds[i])], settings, Decoder.EndOfText, IsStop, IsLongWordStart, rowConstraints, ColumnsFor(rowConstraints));
            if (useKvCache)
            {
                RunWithCache(batch, cancellationToken);
            }
            else
            {
                RunWithoutCache(batch, cancellationToken);
            }

            for (var i = 0; i < rows.Count; i++)
            {
                results[members[i]] = batch.Generated[i];
            }
        }

        return results;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private bool IsStop(int token, bool stopAtSentenceEnd) =>
        token == Decoder.EndOfText || (stopAtSentenceEnd && token < _endsSentence.Value.Length && _endsSentence.Value[token]);

    private void RunWithCache(GenerationBatch batch, CancellationToken cancellationToken)
    {
        var rows = batch.Rows;
        var promptLength = batch.PaddedPromptLength;
        // Step 0: the whole (left-padded) prompt with an empty past.
        var ids = batch.PromptIds();
        var mask = batch.PromptMask();
        var positions = batch.PromptPositions();
        var emptyPast = EmptyPast(rows);
        IReadOnlyList<OrtValue> past = emptyPast;
        IDisposableReadOnlyCollection<OrtValue>? previous = null;
        try
        {
            var sequence = promptLength;
            var total = promptLength;
            for (var step = 0; step < batch.Settings.MaxNewTokens; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var outputs = Run(ids, mask, positions, rows, sequence, total, past, batch.Columns);
                previous?.Dispose();
                previous = outputs;
                batch.Advance(outputs[0].GetTensorDataAsSpan<float>(), sequence, step);
                if (batch.AllFinished)
                {
                    break;
                }

                // Next step: one new token per row, the presents as past, the mask one longer.
                ids = batch.LastTokens();
                positions = batch.NextPositions();
                mask = Extend(mask, rows, total);
                total++;
                sequence = 1;
                past = [.. outputs.Skip(1)];
            }
        }
        finally
        {
            previous?.Dispose();
            foreach (var value in emptyPast)
            {
                value.Dispose();
            }
        }
    }

    private void RunWithoutCache(GenerationBatch batch, CancellationToken cancellationToken)
    {
        var rows = batch.Rows;
        for (var step = 0; step < batch.Settings.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (ids, mask, positions, length) = batch.FullSequence();
            var past = EmptyPast(rows);
            try
            {
                using var outputs = Run(ids, mask, positions, rows, length, length, past, batch.Columns);
                batch.Advance(outputs[0].GetTensorDataAsSpan<float>(), length, step);
            }
            finally
            {
                foreach (var value in past)
                {
                    value.Dispose();
                }
            }

            if (batch.AllFinished)
            {
                break;
            }
        }
    }

    // A grounded batch asks the graph for the logits of its vocabulary only, when the graph takes logit_token_ids.
    private LogitColumns ColumnsFor(IReadOnlyList<GroundedContinuation?> constraints) =>
        _logitTokenIdsInput is not null && constraints.All(c => c is not null)
            ? LogitColumns.Of(Decoder.Vocabulary, constraints.SelectMany(c => c!.Columns))
            : _allColumns;

    private IDisposableReadOnlyCollection<OrtValue> Run(long[] ids, long[] mask, long[] positions, int rows, int sequence, int total, IReadOnlyList<OrtValue> past, LogitColumns columns)
    {
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows, sequence]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [rows, total]);
        using var positionsValue = OrtValue.CreateTensorValueFromMemory(positions, [rows, sequence]);
        using var columnsValue = _logitTokenIdsInput is null ? null : OrtValue.CreateTensorValueFromMemory(columns.Feed, [columns.Feed.Length]);
        OrtValue[] inputs = [idsValue, maskValue, positionsValue, .. past, .. columnsValue is null ? Array.Empty<OrtValue>() : [columnsValue]];
        string[] names = columnsValue is null ? _inputNames : [.. _inputNames, _logitTokenIdsInput!];
        var outputs = _session.Session.Run(_runOptions, names, inputs, _outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != rows || shape[1] != sequence || shape[2] != columns.Count)
        {
            outputs.Dispose();
            throw new InvalidOperationException(
                $"Model '{ModelName}' returned logits [{string.Join(", ", shape)}], expected [{rows}, {sequence}, {columns.Count}].");
        }

        return outputs;
    }

    // FNV-1a over the key's UTF-16 units: the same seed for the same image in every process (string.GetHashCode is randomised).
    private static int StableHash(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    /// <summary>Zero-length key/value tensors [rows, heads, 0, head size]: the past of a prompt.</summary>
    private OrtValue[] EmptyPast(int rows)
    {
        long[] shape = [rows, Decoder.Heads, 0, Decoder.HeadSize];
        return [.. Enumerable.Range(0, 2 * Decoder.Layers).Select(_ => OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), shape))];
    }

    private static long[] Extend(long[] mask, int rows, int total)
    {
        var extended = new long[rows * (total + 1)];
        for (var r = 0; r < rows; r++)
        {
            Array.Copy(mask, r * total, extended, r * (total + 1), total);
            extended[(r * (total + 1)) + total] = 1;
        }

        return extended;
    }

    private bool IsLongWordStart(int token) => token < _longWordStarts.Value.Length && _longWordStarts.Value[token];

    // " sitting", " quietly": a token that begins a word of five letters or more (not "a", "the", "is", "in").
    private bool[] FindLongWordStarts()
    {
        var starts = new bool[Math.Min(Decoder.Vocabulary, CaptionTokenizer.Gpt2VocabularySize)];
        for (var id = 0; id < starts.Length; id++)
        {
            var text = Tokenizer.Decode([id]);
            starts[id] = text.Length >= 6 && text[0] == ' ' && text.Skip(1).All(char.IsLetter);
        }

        return starts;
    }

    private bool[] FindSentenceEnds()
    {
        var ends = new bool[Decoder.Vocabulary];
        for (var id = 0; id < ends.Length && id < CaptionTokenizer.Gpt2VocabularySize; id++)
        {
            var text = Tokenizer.Decode([id]).TrimEnd();
            ends[id] = text.Length > 0 && text[^1] is '.' or '!' or '?';
        }

        return ends;
    }

    private static void CheckModelNames(InferenceSession session, ModelEntry model, string[] inputs, string[] outputs)
    {
        var missingInputs = inputs.Where(name => !session.InputMetadata.ContainsKey(name)).ToList();
        var missingOutputs = outputs.Where(name => !session.OutputMetadata.ContainsKey(name)).ToList();
        if (missingInputs.Count > 0 || missingOutputs.Count > 0)
        {
            throw new InvalidDataException(
                $"Model '{model.Name}' does not match its catalog decoder: missing inputs [{string.Join(", ", missingInputs)}], outputs [{string.Join(", ", missingOutputs)}]; " +
                $"it has inputs [{string.Join(", ", session.InputMetadata.Keys)}].");
        }
    }
}
