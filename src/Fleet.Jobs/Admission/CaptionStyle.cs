using Fleet.Contracts;
using Fleet.Models;

namespace Fleet.Jobs.Admission;

/// <summary>
/// What writes a job's captions, by content: the caption model's and its lexicon's sha256 from the catalog. A job keeps
/// the style it was admitted with; a resume on a fleet whose caption model or lexicon differs is refused, so one job's
/// rows never mix two caption styles silently (a new model, or the rows from before grounded captions).
/// </summary>
public static class CaptionStyle
{
    /// <summary>The style <paramref name="spec"/>'s captions get from <paramref name="catalog"/>; null for a job without captions.</summary>
    public static string? Of(JobSpec spec, ModelCatalog catalog)
    {
        if (spec.Captioner is not { } captioner || !catalog.TryGet(captioner, out var model))
            return null;
        return catalog.GetLexiconFor(model) is { } lexicon
            ? $"{captioner} sha256:{model.Sha256}, grounded by {lexicon.Name} sha256:{lexicon.Sha256}"
            : $"{captioner} sha256:{model.Sha256} (ungrounded)";
    }

    /// <summary>Why resuming <paramref name="job"/> with <paramref name="catalog"/> would mix two caption styles; null when it would not.</summary>
    public static string? ResumeProblem(JobRecord job, ModelCatalog catalog)
    {
        if (job.Spec is not { Captioner: not null } spec || job.ShardsDone == 0)
            return null;
        var now = Of(spec, catalog);
        if (job.CaptionStyle == now)
            return null;
        var then = job.CaptionStyle ?? "a caption model from before grounded captions";
        return $"{job.ShardsDone} committed shards were captioned by {then}; this fleet captions with {now ?? $"no model called {spec.Captioner}"}. " +
               "Resuming would mix two caption styles in one job's rows: submit it again under a new job id.";
    }
}
