namespace Fleet.Inference.Captioning;

/// <summary>
/// Picks the next token's column from one row of logits: greedy argmax, or temperature + top-k + top-p sampling;
/// among <c>candidates</c> when a constraint gives them (grounded decoding), else among every column not blocked.
/// </summary>
internal static class TokenSampler
{
    // candidates: the columns allowed now (null: all); blocked: columns that may not be picked now (stop tokens before
    // MinNewTokens) when there are no candidates. Returns -1 only when nothing may be picked.
    public static int Pick(ReadOnlySpan<float> logits, CaptionSettings settings, Random? random, IReadOnlyList<int>? candidates, Func<int, bool>? blocked)
    {
        if (candidates is { Count: 0 })
        {
            return -1;
        }

        if (settings.Greedy || random is null)
        {
            return ArgMax(logits, candidates, blocked);
        }

        var count = candidates?.Count ?? logits.Length;
        var top = TopCandidates(logits, settings.TopK <= 0 ? count : Math.Min(settings.TopK, count), candidates, blocked);
        if (top.Count == 0)
        {
            return ArgMax(logits, candidates, blocked);
        }

        // Candidates are sorted by logit, highest first.
        var max = top[0].Logit;
        var weights = new double[top.Count];
        var total = 0.0;
        for (var i = 0; i < top.Count; i++)
        {
            weights[i] = Math.Exp((top[i].Logit - max) / settings.Temperature);
            total += weights[i];
        }

        var kept = 0;
        var cumulative = 0.0;
        while (kept < weights.Length)
        {
            cumulative += weights[kept++];
            if (cumulative >= settings.TopP * total)
            {
                break;
            }
        }

        var draw = random.NextDouble() * cumulative;
        for (var i = 0; i < kept; i++)
        {
            draw -= weights[i];
            if (draw <= 0)
            {
                return top[i].Column;
            }
        }

        return top[kept - 1].Column;
    }

    private static int ArgMax(ReadOnlySpan<float> logits, IReadOnlyList<int>? candidates, Func<int, bool>? blocked)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
        if (candidates is not null)
        {
            foreach (var column in candidates)
            {
                if (best < 0 || logits[column] > bestValue)
                {
                    best = column;
                    bestValue = logits[column];
                }
            }

            return best;
        }

        for (var i = 0; i < logits.Length; i++)
        {
            if ((best < 0 || logits[i] > bestValue) && (blocked is null || !blocked(i)))
            {
                best = i;
                bestValue = logits[i];
            }
        }

        return best;
    }

    private static List<(int Column, float Logit)> TopCandidates(ReadOnlySpan<float> logits, int k, IReadOnlyList<int>? candidates, Func<int, bool>? blocked)
    {
        // A min-heap of the k best so far: O(n log k). k is bounded by the candidates (and by validation, CaptionSettings.MaxTopK).
        var heap = new PriorityQueue<int, float>(k + 1);
        var count = candidates?.Count ?? logits.Length;
        for (var n = 0; n < count; n++)
        {
            var i = candidates?[n] ?? n;
            if (heap.Count == k && logits[i] <= PeekPriority(heap))
            {
                continue;
            }

            if (candidates is null && blocked is not null && blocked(i))
            {
                continue;
            }

            if (heap.Count == k)
            {
                heap.DequeueEnqueue(i, logits[i]);
            }
            else
            {
                heap.Enqueue(i, logits[i]);
            }
        }

        var result = new List<(int Column, float Logit)>(heap.Count);
        while (heap.TryDequeue(out var id, out var logit))
        {
            result.Add((id, logit));
        }

        result.Reverse();
        return result;
    }

    private static float PeekPriority(PriorityQueue<int, float> heap)
    {
        heap.TryPeek(out _, out var priority);
        return priority;
    }
}
