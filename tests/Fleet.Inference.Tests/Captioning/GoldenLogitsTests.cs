using System.Text.Json;
using Fleet.Inference.Tests.Support;
using Microsoft.ML.OnnxRuntime;

namespace Fleet.Inference.Tests.Captioning;

/// <summary>The ONNX graph reproduces the PyTorch model's logits (golden files written by tools/caption-lm/export.py).</summary>
public sealed class GoldenLogitsTests
{
    [Theory]
    [InlineData(CaptionFixture.TinyModel)]
    [InlineData(CaptionFixture.TrainedModel)]
    public void Onnx_logits_match_pytorch_with_an_empty_past_and_through_the_cache(string modelName)
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "models", modelName);
        var golden = JsonSerializer.Deserialize<Golden>(File.ReadAllText(Path.Combine(folder, modelName + ".golden.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var decoder = Fleet.Models.ModelCatalog.Load(TestPaths.CatalogFile).Get(modelName).Decoder!;
        using var session = new InferenceSession(Path.Combine(folder, modelName + ".onnx"));
        var ids = golden.InputIds;

        // The whole sequence with a zero-length past.
        var (logits, _) = Run(session, decoder, ids, 0, null);
        using (logits)
        {
            AssertColumns(golden.Logits, logits.GetTensorDataAsSpan<float>(), golden.Columns, decoder.Vocabulary);
            var data = logits.GetTensorDataAsSpan<float>();
            for (var i = 0; i < ids.Length; i++)
            {
                Assert.Equal(golden.Argmax[i], ArgMax(data.Slice(i * decoder.Vocabulary, decoder.Vocabulary)));
            }
        }

        // The first part, then the rest fed with the first part's presents as past.
        var (first, presents) = Run(session, decoder, ids[..golden.SplitAt], 0, null);
        first.Dispose();
        var (rest, restPresents) = Run(session, decoder, ids[golden.SplitAt..], golden.SplitAt, presents);
        using (rest)
        {
            AssertColumns(golden.CachedLogits, rest.GetTensorDataAsSpan<float>(), golden.Columns, decoder.Vocabulary);
        }

        foreach (var value in presents.Concat(restPresents))
        {
            value.Dispose();
        }
    }

    [Theory]
    [InlineData(CaptionFixture.TinyModel)]
    [InlineData(CaptionFixture.TrainedModel)]
    public void Logits_for_a_subset_of_tokens_are_those_columns_of_the_full_logits(string modelName)
    {
        // Grounded decoding asks for its vocabulary only (logit_token_ids): the same numbers, a tenth of the head's work.
        var folder = Path.Combine(TestPaths.RepositoryRoot, "models", modelName);
        var golden = JsonSerializer.Deserialize<Golden>(File.ReadAllText(Path.Combine(folder, modelName + ".golden.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var decoder = Fleet.Models.ModelCatalog.Load(TestPaths.CatalogFile).Get(modelName).Decoder!;
        Assert.Equal("logit_token_ids", decoder.LogitTokenIds);
        using var session = new InferenceSession(Path.Combine(folder, modelName + ".onnx"));

        var (logits, presents) = Run(session, decoder, golden.InputIds, 0, null, [.. golden.Columns.Select(c => (long)c)]);
        using (logits)
        {
            Assert.Equal([1, golden.InputIds.Length, golden.Columns.Length], logits.GetTensorTypeAndShape().Shape);
            AssertColumns(golden.Logits, logits.GetTensorDataAsSpan<float>(), [.. Enumerable.Range(0, golden.Columns.Length)], golden.Columns.Length);
        }

        foreach (var value in presents)
        {
            value.Dispose();
        }
    }

    private static (OrtValue Logits, OrtValue[] Presents) Run(InferenceSession session, Fleet.Models.DecoderSpec decoder, long[] ids, int pastLength, OrtValue[]? past, long[]? tokens = null)
    {
        tokens ??= [.. Enumerable.Range(0, decoder.Vocabulary).Select(i => (long)i)];
        using var tokensValue = OrtValue.CreateTensorValueFromMemory(tokens, [tokens.Length]);
        var n = ids.Length;
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, n]);
        using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, pastLength + n).ToArray(), [1, pastLength + n]);
        using var positions = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(pastLength, n).Select(i => (long)i).ToArray(), [1, n]);
        var empty = past is null
            ? Enumerable.Range(0, 2 * decoder.Layers).Select(_ => OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [1, decoder.Heads, 0, decoder.HeadSize])).ToArray()
            : [];
        OrtValue[] inputs = [idsValue, mask, positions, .. past ?? empty, tokensValue];
        var outputs = session.Run(new RunOptions(), [.. decoder.InputNames(), decoder.LogitTokenIds!], inputs, decoder.OutputNames());
        foreach (var value in empty)
        {
            value.Dispose();
        }

        return (outputs[0], [.. outputs.Skip(1)]);
    }

    private static void AssertColumns(float[][] expected, ReadOnlySpan<float> actual, int[] columns, int vocabulary)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var value = actual[(i * vocabulary) + columns[c]];
                Assert.True(Math.Abs(expected[i][c] - value) <= 1e-4, $"position {i}, token {columns[c]}: PyTorch {expected[i][c]}, ONNX {value}");
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private sealed record Golden(long[] InputIds, int SplitAt, int[] Columns, float[][] Logits, int[] Argmax, float[][] CachedLogits);
}
