namespace Fleet.Inference.Captioning;

/// <summary>Picks the next token from one row of logits: greedy argmax or temperature + top-k + top-p sampling.</summary>
internal static class TokenSampler
{
    // blocked: ids that may not be picked now (stop tokens before MinNewTokens); null: none.
    public static int Pick(ReadOnlySpan<float> logits, CaptionSettings settings, Random? random, Func<int, bool>? blocked)
    {
        if (settings.Greedy || random is null)
        {
            return ArgMax(logits, blocked);
        }

        var candidates = TopCandidates(logits, settings.TopK <= 0 ? logits.Length : settings.TopK, blocked);
        if (candidates.Count == 0)
        {
            return ArgMax(logits, blocked);
        }

        // Candidates are sorted by logit, highest first.
        var max = candidates[0].Logit;
        var weights = new double[candidates.Count];
        var total = 0.0;
        for (var i = 0; i < candidates.Count; i++)
        {
            weights[i] = Math.Exp((candidates[i].Logit - max) / settings.Temperature);
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
                return candidates[i].Id;
            }
        }

        return candidates[kept - 1].Id;
    }

    private static int ArgMax(ReadOnlySpan<float> logits, Func<int, bool>? blocked)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
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

    private static List<(int Id, float Logit)> TopCandidates(ReadOnlySpan<float> logits, int k, Func<int, bool>? blocked)
    {
        // A min-heap of the k best so far: O(V log k).
        var heap = new PriorityQueue<int, float>(k + 1);
        for (var i = 0; i < logits.Length; i++)
        {
            if (heap.Count == k && logits[i] <= PeekPriority(heap))
            {
                continue;
            }

            if (blocked is not null && blocked(i))
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

        var result = new List<(int Id, float Logit)>(heap.Count);
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
