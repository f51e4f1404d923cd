namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// The decoding constraint of one caption: after the forced opening, every token must continue a free unit or a unit
/// the image's licence holds, so the model cannot spell an unlicensed word however much it prefers one. Between units
/// it may also end the caption ("." or end-of-text). Tracks every unit the tokens so far may be inside (a token
/// sequence can be the start of " great" and of " great white shark" at once). It may end only once the caption
/// holds <see cref="GroundingRule.MinCaptionWords"/> words.
/// </summary>
internal sealed class GroundedContinuation
{
    private readonly GroundedVocabulary _vocabulary;
    private readonly TokenTrie _licensed;
    private List<TokenTrie.Node> _inside = [];
    private bool _atBoundary = true;
    private int _words;

    /// <param name="vocabulary">The free words.</param>
    /// <param name="licensed">What this image's evidence licenses.</param>
    /// <param name="opening">The forced opening's tokens, already in the caption.</param>
    /// <param name="openingWords">Its words.</param>
    public GroundedContinuation(GroundedVocabulary vocabulary, TokenTrie licensed, IReadOnlyList<int> opening, int openingWords)
    {
        _vocabulary = vocabulary;
        _licensed = licensed;
        _words = openingWords;
        History = [.. opening];
    }

    /// <summary>The caption's tokens so far, the opening's included: what a repeat is checked against.</summary>
    public List<int> History { get; }

    /// <summary>Every token id this caption could ever need: the logit columns of its batch.</summary>
    public IEnumerable<int> Columns => _vocabulary.Free.Tokens.Concat(_licensed.Tokens).Append(_vocabulary.SentenceEnd).Append(_vocabulary.EndOfText);

    public bool Finished { get; private set; }

    /// <summary>Adds the ids allowed next to <paramref name="allowed"/>; a stop only when <paramref name="mayStop"/>.</summary>
    public void AllowedNext(CandidateSet allowed, bool mayStop)
    {
        foreach (var node in _inside)
        {
            allowed.AddRange(node.Next);
        }

        if (_atBoundary)
        {
            allowed.AddRange(_vocabulary.Free.Root.Next);
            allowed.AddRange(_licensed.Root.Next);
            if (mayStop && _words >= GroundingRule.MinCaptionWords)
            {
                allowed.Add(_vocabulary.SentenceEnd);
                allowed.Add(_vocabulary.EndOfText);
            }
        }
    }

    public void Advance(int token)
    {
        History.Add(token);
        if (token == _vocabulary.EndOfText || (_atBoundary && token == _vocabulary.SentenceEnd))
        {
            Finished = true;
            _inside = [];
            return;
        }

        var next = new List<TokenTrie.Node>(_inside.Count + 2);
        foreach (var node in _inside)
        {
            Follow(node, token, next);
        }

        if (_atBoundary)
        {
            var before = next.Count;
            Follow(_vocabulary.Free.Root, token, next);
            Follow(_licensed.Root, token, next);
            if (next.Count > before && token != _vocabulary.Comma)
            {
                _words++;
            }
        }

        if (next.Count == 0)
        {
            throw new InvalidOperationException($"Token {token} is outside the grounded vocabulary here.");
        }

        _inside = next;
        _atBoundary = next.Any(n => n.IsEnd);
    }

    private static void Follow(TokenTrie.Node node, int token, List<TokenTrie.Node> into)
    {
        if (node.Children is not null && node.Children.TryGetValue(token, out var child))
        {
            into.Add(child);
        }
    }
}
