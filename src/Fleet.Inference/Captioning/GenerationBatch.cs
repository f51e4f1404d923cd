using Fleet.Inference.Captioning.Grounding;

namespace Fleet.Inference.Captioning;

/// <summary>
/// The state of one batch of prompts during generation: left-padded prompt tensors, the tokens generated so
/// far, which rows have stopped, each row's own seeded sampler (so a caption does not depend on its batch) and,
/// for grounded captions, each row's decoding constraint and the logit columns the batch asks the graph for.
/// </summary>
internal sealed class GenerationBatch
{
    private readonly IReadOnlyList<IReadOnlyList<int>> _prompts;
    private readonly int _endOfText;
    private readonly Func<int, bool, bool> _isStop;
    private readonly Func<int, bool> _isLongWordStart;
    private readonly Random?[] _samplers;
    private readonly GroundedContinuation?[] _constraints;
    private readonly CandidateSet? _candidates;
    private readonly bool[] _finished;
    private readonly List<int>[] _generated;
    private readonly int[] _lastToken;
    private readonly List<int>[] _fed;

    public GenerationBatch(
        IReadOnlyList<IReadOnlyList<int>> prompts,
        IReadOnlyList<int> seeds,
        CaptionSettings settings,
        int endOfText,
        Func<int, bool, bool> isStop,
        Func<int, bool> isLongWordStart,
        IReadOnlyList<GroundedContinuation?> constraints,
        LogitColumns columns)
    {
        _prompts = prompts;
        _constraints = [.. constraints];
        Columns = columns;
        _candidates = _constraints.Any(c => c is not null) ? new CandidateSet(columns) : null;
        Settings = settings;
        _endOfText = endOfText;
        _isStop = isStop;
        _isLongWordStart = isLongWordStart;
        Rows = prompts.Count;
        PaddedPromptLength = prompts.Max(p => p.Count);
        _finished = new bool[Rows];
        _generated = [.. Enumerable.Range(0, Rows).Select(_ => new List<int>())];
        _lastToken = new int[Rows];
        _fed = [.. Enumerable.Range(0, Rows).Select(_ => new List<int>())];
        // Seeded per prompt (by its index in the request or its image's key), not its row, so bucketing does not change a caption.
        _samplers = [.. seeds.Select(seed => settings.Greedy ? null : new Random(unchecked((settings.Seed * 1_000_003) + seed)))];
    }

    public CaptionSettings Settings { get; }

    /// <summary>The token ids the logits hold, in column order.</summary>
    public LogitColumns Columns { get; }

    public int Rows { get; }

    public int PaddedPromptLength { get; }

    /// <summary>Tokens fed after the prompt so far (one per step, finished rows included).</summary>
    public int Steps { get; private set; }

    public bool AllFinished => _finished.All(f => f);

    public IReadOnlyList<int>[] Generated => [.. _generated];

    public long[] PromptIds()
    {
        var ids = new long[Rows * PaddedPromptLength];
        Array.Fill(ids, _endOfText);
        for (var r = 0; r < Rows; r++)
        {
            var prompt = _prompts[r];
            var offset = (r * PaddedPromptLength) + PaddedPromptLength - prompt.Count;
            for (var j = 0; j < prompt.Count; j++)
            {
                ids[offset + j] = prompt[j];
            }
        }

        return ids;
    }

    public long[] PromptMask()
    {
        var mask = new long[Rows * PaddedPromptLength];
        for (var r = 0; r < Rows; r++)
        {
            mask.AsSpan((r * PaddedPromptLength) + PaddedPromptLength - _prompts[r].Count, _prompts[r].Count).Fill(1);
        }

        return mask;
    }

    /// <summary>0, 1, 2, ... from each prompt's first real token; padding gets 0 (it is masked anyway).</summary>
    public long[] PromptPositions()
    {
        var positions = new long[Rows * PaddedPromptLength];
        for (var r = 0; r < Rows; r++)
        {
            var pad = PaddedPromptLength - _prompts[r].Count;
            for (var j = pad; j < PaddedPromptLength; j++)
            {
                positions[(r * PaddedPromptLength) + j] = j - pad;
            }
        }

        return positions;
    }

    /// <summary>Each row's latest token (end-of-text for a finished row: computed, masked in, ignored).</summary>
    public long[] LastTokens() => [.. _lastToken.Select(t => (long)t)];

    /// <summary>The position of each row's next token: its prompt length plus the tokens fed since.</summary>
    public long[] NextPositions() => [.. Enumerable.Range(0, Rows).Select(r => (long)(_prompts[r].Count + Steps - 1))];

    /// <summary>The padded prompts plus every token fed so far, as the cache-free path recomputes them.</summary>
    public (long[] Ids, long[] Mask, long[] Positions, int Length) FullSequence()
    {
        var length = PaddedPromptLength + Steps;
        var ids = new long[Rows * length];
        var mask = new long[Rows * length];
        var positions = new long[Rows * length];
        var promptIds = PromptIds();
        var promptMask = PromptMask();
        var promptPositions = PromptPositions();
        for (var r = 0; r < Rows; r++)
        {
            Array.Copy(promptIds, r * PaddedPromptLength, ids, r * length, PaddedPromptLength);
            Array.Copy(promptMask, r * PaddedPromptLength, mask, r * length, PaddedPromptLength);
            Array.Copy(promptPositions, r * PaddedPromptLength, positions, r * length, PaddedPromptLength);
            for (var s = 0; s < Steps; s++)
            {
                var at = (r * length) + PaddedPromptLength + s;
                ids[at] = _fed[r][s];
                mask[at] = 1;
                positions[at] = _prompts[r].Count + s;
            }
        }

        return (ids, mask, positions, length);
    }

    /// <summary>Picks each unfinished row's next token from the last position of <paramref name="logits"/> [rows, sequence, columns].</summary>
    public void Advance(ReadOnlySpan<float> logits, int sequence, int step)
    {
        var mayStop = step >= Settings.MinNewTokens;
        var width = Columns.Count;
        for (var r = 0; r < Rows; r++)
        {
            var token = _endOfText;
            if (!_finished[r])
            {
                var row = logits.Slice(((r * sequence) + sequence - 1) * width, width);
                token = _constraints[r] is { } constraint ? PickGrounded(row, r, constraint, mayStop) : PickFree(row, r, mayStop);
                if (token != _endOfText)
                {
                    _generated[r].Add(token);
                }

                _finished[r] = _constraints[r]?.Finished ?? _isStop(token, Settings.StopAtSentenceEnd);
            }

            _lastToken[r] = token;
            _fed[r].Add(token);
        }

        Steps++;
    }

    private void ExcludeRepeats(List<int> generated, CandidateSet candidates)
    {
        // A word said once is not said again ("is sitting and sitting"): long word starts already in the caption.
        foreach (var token in generated)
        {
            if (_isLongWordStart(token))
            {
                candidates.Exclude(token);
            }
        }

        var n = generated.Count;
        for (var i = 0; i + 2 < n; i++)
        {
            if (generated[i] == generated[n - 2] && generated[i + 1] == generated[n - 1])
            {
                candidates.Exclude(generated[i + 2]);
            }
        }
    }

    private int PickFree(ReadOnlySpan<float> row, int r, bool mayStop)
    {
        var column = TokenSampler.Pick(row, Settings, _samplers[r], null, mayStop ? null : c => _isStop(Columns.TokenAt(c), Settings.StopAtSentenceEnd));
        return Columns.TokenAt(column);
    }

    // Only tokens the constraint allows; before MinNewTokens it offers no stop; never a token that would repeat a
    // trigram of this caption (a small model under a vocabulary constraint otherwise loops: "a bottom of a bottom of").
    private int PickGrounded(ReadOnlySpan<float> row, int r, GroundedContinuation constraint, bool mayStop)
    {
        var candidates = _candidates!;
        candidates.Clear();
        ExcludeRepeats(constraint.History, candidates);
        constraint.AllowedNext(candidates, mayStop);
        if (candidates.Columns.Count == 0)
        {
            // Nothing but a repeat (or a stop before MinNewTokens) may follow: allow both rather than end inside a word.
            candidates.Clear();
            constraint.AllowedNext(candidates, mayStop: true);
        }

        var column = TokenSampler.Pick(row, Settings, _samplers[r], candidates.Columns, null);
        var token = column < 0 ? _endOfText : Columns.TokenAt(column);
        constraint.Advance(token);
        return token;
    }
}
