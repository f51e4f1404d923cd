using System.CommandLine;
using Fleet.Bench.Infrastructure;
using Fleet.Bench.Scenarios;

// fleet-bench: each scenario is a subcommand that prints one JSON line (progress on stderr). See docs/benchmarks.md.
BenchPaths.UseMirrors();

var runs = new Option<int>("--runs") { Description = "Measured runs; figures are min/median/max over them", DefaultValueFactory = _ => 3 };
var settings = new Option<string[]>("--set") { Description = "Engine setting key=value (e.g. Fleet:Inference:IntraOpThreads=1), for the engine and the bare loops alike", AllowMultipleArgumentsPerToken = true };

var classifier = new Option<string>("--classifier") { Description = "Catalog classifier for the engine's jobs and the in-process loops (mobilenetv2-12-float for GPU silos)", DefaultValueFactory = _ => Fleet.Contracts.JobSpec.DefaultClassifier };

var root = new RootCommand("fleet-bench: Fleet's benchmarks, one JSON line per scenario");
root.Options.Add(runs);
root.Options.Add(settings);
root.Options.Add(classifier);
foreach (var option in root.Options)
    option.Recursive = true;

root.Subcommands.Add(Scenario("pipeline", "Fleet (in-process engine and the whole `fleet run` process) vs the plain reference pipeline, same photos, same run",
    [Images(5000), NoCaptions(), new Option<bool>("--no-whole-process") { Description = "Skip the child `fleet run` per run" }],
    (p, ct) => PipelineScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--images"), !p.GetValue<bool>("--no-captions"), !p.GetValue<bool>("--no-whole-process"), ct)));
root.Subcommands.Add(Scenario("reference", "The plain reference pipeline alone (a whole process to time next to `fleet run`)",
    [Images(5000), new Option<string?>("--folder") { Description = "Images to label (default: the sample photos repeated to --images)" }],
    (p, _) => ReferenceScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--images"), p.GetValue<string?>("--folder"))));
root.Subcommands.Add(Scenario("generate", "Caption-model tokens/s at batch 1 and 16, KV cache on and off",
    [new Option<int>("--new-tokens") { Description = "Tokens generated per prompt", DefaultValueFactory = _ => 24 },
     new Option<int[]>("--batches") { Description = "Prompts per batch (KV cache off is measured up to 16)", DefaultValueFactory = _ => [1, 16], AllowMultipleArgumentsPerToken = true }],
    (p, _) => GenerateScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--new-tokens"), p.GetValue<int[]>("--batches")!)));

root.Subcommands.Add(Scenario("captions", "Caption fidelity: grounded, label named, wording, distinct shapes, fluency, over the sample photos, unseen crops and every class",
    [new Option<int>("--variants") { Description = "Unseen crops per sample photo", DefaultValueFactory = _ => 10 },
     new Option<int>("--examples") { Description = "Example captions printed per set", DefaultValueFactory = _ => 12 }],
    (p, _) => CaptionFidelityScenario.RunAsync(p.GetValue<int>("--variants"), p.GetValue<int>("--examples"))));
root.Subcommands.Add(Scenario("control-plane", "The engine with a stand-in model that only waits, 1..16 in-process silos",
    [new Option<int[]>("--silos") { Description = "Silo counts", DefaultValueFactory = _ => [1, 2, 4, 8, 16], AllowMultipleArgumentsPerToken = true },
     new Option<int>("--wait-ms") { Description = "Stand-in milliseconds per batch", DefaultValueFactory = _ => 200 },
     new Option<int>("--images-per-silo") { Description = "Images per run per silo", DefaultValueFactory = _ => 640 },
     new Option<int>("--warmup-runs") { Description = "Unmeasured full-size jobs before the measured runs, per silo count (JIT tiering settles)", DefaultValueFactory = _ => 2 }],
    (p, ct) => ControlPlaneScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--warmup-runs"), p.GetValue<int[]>("--silos")!, p.GetValue<int>("--wait-ms"), p.GetValue<int>("--images-per-silo"), ct)));
root.Subcommands.Add(Scenario("plan", "Planning a large manifest: first shard, total time, peak memory",
    [new Option<int>("--lines") { Description = "Manifest lines", DefaultValueFactory = _ => 1_000_000 },
     new Option<int>("--shard-size") { Description = "Images per shard", DefaultValueFactory = _ => Fleet.Contracts.JobSpec.DefaultShardSize },
     new Option<bool>("--blob") { Description = "The manifest as a blob on the engine's Azurite, not a local file" },
     new Option<int>("--readers") { Description = "Slices read at once in the aggregate read", DefaultValueFactory = _ => 8 }],
    (p, ct) => PlanScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--lines"), p.GetValue<int>("--shard-size"), p.GetValue<bool>("--blob"), p.GetValue<int>("--readers"), ct)));
root.Subcommands.Add(Scenario("lease-rate", "Shards one job leases and takes back a second when each checkpoint write costs N ms",
    [new Option<int>("--write-ms") { Description = "Milliseconds added to every job-state write", DefaultValueFactory = _ => 20 },
     new Option<int>("--workers") { Description = "Simulated workers", DefaultValueFactory = _ => 32 },
     new Option<int>("--seconds") { Description = "Measured window per run", DefaultValueFactory = _ => 10 },
     new Option<int>("--images") { Description = "Images (one shard each) in the job's manifest", DefaultValueFactory = _ => 200_000 },
     new Option<bool>("--wait-for-writes") { Description = "Every lease waits for its checkpoint write (Fleet:Jobs:WriteLeasesBehind=false): the before figure" }],
    (p, ct) => LeaseRateScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--write-ms"), p.GetValue<int>("--workers"), p.GetValue<int>("--seconds"), p.GetValue<int>("--images"), p.GetValue<bool>("--wait-for-writes"), ct)));
root.Subcommands.Add(Scenario("checkpoint-bytes", "Bytes a job's checkpoints write per second at a commit rate, by job size: progress segments vs the whole record",
    [new Option<int>("--seconds") { Description = "Checkpoints (one a second) per run", DefaultValueFactory = _ => 10 },
     new Option<int>("--commits-per-second") { Description = "Shards committed per second", DefaultValueFactory = _ => 20_000 },
     new Option<int[]>("--shards") { Description = "Job sizes in shards", DefaultValueFactory = _ => [1_000_000, 10_000_000], AllowMultipleArgumentsPerToken = true }],
    (p, _) => CheckpointBytesScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--seconds"), p.GetValue<int>("--commits-per-second"), p.GetValue<int[]>("--shards")!)));
root.Subcommands.Add(Scenario("resume-reads", "What a re-activation reads of a job killed part-way, by job size: record and progress segments read vs stored, with full segments and before them",
    [new Option<int[]>("--shards") { Description = "Job sizes in shards (64 images each)", DefaultValueFactory = _ => [156_250, 1_562_500, 15_625_000], AllowMultipleArgumentsPerToken = true },
     new Option<double>("--done") { Description = "Fraction of the shards committed (in lease order) when the job is killed", DefaultValueFactory = _ => 0.5 },
     new Option<double>("--failing") { Description = "Fraction of the shards that hold error rows", DefaultValueFactory = _ => 0 }],
    (p, _) => ResumeReadsScenario.RunAsync(p.GetValue<int[]>("--shards")!, p.GetValue<double>("--done"), p.GetValue<double>("--failing"))));
root.Subcommands.Add(Scenario("control-plane-scale", "A large job of stand-in items (no image bytes) on 8-32 in-process silos: planning, leases and commits a second, calls per activation, checkpoint bytes, memory, resume after the whole cluster is killed",
    [new Option<long>("--images") { Description = "Stand-in items in the job", DefaultValueFactory = _ => 1_000_000 },
     new Option<int[]>("--silos") { Description = "Simulated silo counts", DefaultValueFactory = _ => [8], AllowMultipleArgumentsPerToken = true },
     new Option<int>("--write-ms") { Description = "Milliseconds added to every grain-state write", DefaultValueFactory = _ => 0 },
     new Option<int>("--label-ms") { Description = "Stand-in labeling milliseconds per shard", DefaultValueFactory = _ => 0 },
     new Option<int>("--slots") { Description = "Shards each silo's stand-in worker runs at once", DefaultValueFactory = _ => 2 },
     new Option<double>("--kill-at") { Description = "Kill the whole cluster at this fraction of the images and resume on a new one (0: no kill)", DefaultValueFactory = _ => 0.5 },
     new Option<int?>("--shard-size") { Description = "Images per shard (default: the job spec's)" },
     new Option<bool>("--rows") { Description = "Write a row per item and check every item is in exactly one row (slower; default: empty parts)" }],
    (p, ct) => ControlPlaneScaleScenario.RunAsync(p.GetValue(runs), p.GetValue<long>("--images"), p.GetValue<int[]>("--silos")!, p.GetValue<int>("--write-ms"), p.GetValue<int>("--label-ms"),
        p.GetValue<int>("--slots"), p.GetValue<double>("--kill-at"), p.GetValue<int?>("--shard-size"), p.GetValue<bool>("--rows"), p.GetValue(settings) ?? [], ct)));
root.Subcommands.Add(Scenario("memory", "Peak working set of `fleet run` (a child process) at several sizes",
    [new Option<int[]>("--sizes") { Description = "Image counts", DefaultValueFactory = _ => [1000, 10000], AllowMultipleArgumentsPerToken = true }],
    (p, ct) => MemoryScenario.RunAsync(p.GetValue(runs), p.GetValue<int[]>("--sizes")!, ct)));
root.Subcommands.Add(Scenario("decode", "Decoder candidates: one-thread images/s to the model's tensor, and top-1",
    [new Option<int>("--passes") { Description = "Passes over the 100 photos per run", DefaultValueFactory = _ => 3 }],
    (p, _) => DecodeScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--passes"))));
root.Subcommands.Add(Scenario("tune", "The bare pipeline under each ONNX Runtime setting (threads, spinning, graph optimisation, batch size)",
    [Images(400)],
    (p, _) => TuneScenario.RunAsync(p.GetValue(runs), p.GetValue<int>("--images"))));

return await root.Parse(args).InvokeAsync();

Command Scenario(string name, string description, Option[] options, Func<ParseResult, CancellationToken, Task<object>> run)
{
    var command = new Command(name, description);
    foreach (var option in options)
        command.Options.Add(option);
    command.SetAction(async (parse, cancellationToken) =>
    {
        BenchPaths.ApplySettings(parse.GetValue(settings) ?? []);
        InferenceModels.ClassifierName = parse.GetValue(classifier)!;
        var result = await run(parse, cancellationToken);
        JsonLine.Write(result);
        return 0;
    });
    return command;
}

static Option<int> Images(int count) => new("--images") { Description = "Images per run (the 100 sample photos repeated)", DefaultValueFactory = _ => count };

static Option<bool> NoCaptions() => new("--no-captions") { Description = "Labels only (skip the caption runs)" };
