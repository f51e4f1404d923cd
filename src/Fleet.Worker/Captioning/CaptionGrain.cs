using Fleet.Contracts;
using Fleet.Inference.Captioning;
using Fleet.Inference.Captioning.Grounding;
using Fleet.Inference.Classification;
using Fleet.Telemetry;
using Orleans.Concurrency;

namespace Fleet.Worker.Captioning;

/// <summary>Runs batched GPT-2 generation for the shard worker on this silo, off the grain scheduler.</summary>
[StatelessWorker]
public sealed class CaptionGrain(CaptionerPool captioners, FleetMetrics metrics) : Grain, ICaptionGrain
{
    public async Task<IReadOnlyList<string>> Caption(string captioner, CaptionOptions options, IReadOnlyList<CaptionInput> images)
    {
        using var activity = FleetTelemetry.Activities.StartActivity("caption");
        activity?.SetTag("fleet.images", images.Count);
        var generator = await captioners.GetAsync(captioner);
        var settings = options.ToSettings();
        var requests = images.Select(image => new CaptionRequest([.. image.Labels.Select(l => new Prediction(l.Label, l.ClassId, l.Score))], image.Uri)).ToArray();
        // Generation is synchronous CPU/GPU work: keep it off the grain's scheduler.
        var captions = await Task.Run(() => generator.Generate(requests, settings));
        metrics.CaptionsGenerated.Add(captions.Count);
        return captions;
    }
}
