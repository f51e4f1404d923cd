namespace Fleet.Inference.Classification;

/// <summary>Top-k of one row of class scores, with softmax applied only where it is needed.</summary>
internal static class ScoreRanking
{
    public static Prediction[] Top(ReadOnlySpan<float> scores, int topK, bool scoresAreLogits, IReadOnlyList<string> labels)
    {
        var k = Math.Min(topK, scores.Length);
        Span<int> ids = stackalloc int[k];
        Span<float> best = stackalloc float[k];
        var found = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var score = scores[i];
            if (found == k && !(score > best[k - 1]))
            {
                continue;
            }

            // Insertion into the short sorted list; strict '>' keeps the lower class id first on ties.
            var at = found < k ? found++ : k - 1;
            while (at > 0 && score > best[at - 1])
            {
                best[at] = best[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }

            best[at] = score;
            ids[at] = i;
        }

        // Softmax is monotonic, so ranking on logits is the same; normalise only the winners.
        var max = 0f;
        var sum = 1.0;
        if (scoresAreLogits && found > 0)
        {
            max = best[0];
            sum = 0;
            foreach (var score in scores)
            {
                sum += Math.Exp(score - max);
            }
        }

        var predictions = new Prediction[found];
        for (var i = 0; i < found; i++)
        {
            var probability = scoresAreLogits ? (float)(Math.Exp(best[i] - max) / sum) : best[i];
            predictions[i] = new Prediction(labels[ids[i]], ids[i], probability);
        }

        return predictions;
    }
}
