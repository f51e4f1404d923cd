namespace Fleet.Inference.Captioning.Grounding;

/// <summary>
/// A trie of token sequences: each entry is one caption unit (" running", " Golden Retriever", ",") as the GPT-2
/// tokenizer spells it. GPT-2 splits text into words before its byte-pair merges, so a sentence's tokens are its
/// units' tokens one after another, and the model's usual spelling of a sentence is a path through this trie.
/// </summary>
internal sealed class TokenTrie
{
    public TokenTrie()
    {
        Root = new Node();
    }

    public Node Root { get; }

    /// <summary>Every token id on some path (the logit columns a decoding over this trie can need).</summary>
    public HashSet<int> Tokens { get; } = [];

    public void Add(IReadOnlyList<int> tokens)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        var node = Root;
        foreach (var token in tokens)
        {
            node.Children ??= [];
            if (!node.Children.TryGetValue(token, out var next))
            {
                next = new Node();
                node.Children[token] = next;
            }

            node = next;
            Tokens.Add(token);
        }

        node.IsEnd = true;
    }

    internal sealed class Node
    {
        private int[]? _next;

        public Dictionary<int, Node>? Children { get; set; }

        /// <summary>The ids of <see cref="Children"/> as an array, made on first use: read once per decoding step.</summary>
        public int[] Next => _next ??= Children is null ? [] : [.. Children.Keys];

        /// <summary>A whole unit ends here (a word boundary).</summary>
        public bool IsEnd { get; set; }
    }
}
