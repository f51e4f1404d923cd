using System.CommandLine;
using System.Text.Json;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Results;
using Fleet.Storage.Samples;
using Fleet.Storage.Verification;

namespace Fleet.Cli.Commands;

/// <summary>`fleet verify`: checks that every image of the dataset is in exactly one row of the job's output.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var jobId = new Argument<string>("job") { Description = "The job id" };
        var dataset = new Option<string>("--dataset") { Description = "The job's dataset", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The job's output (folder or blob container URI)", Required = true };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string for blob URIs (default: FLEET_STORAGE, else Fleet__Storage__BlobServiceUri with az login)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("verify", "Report missing and duplicated images in a job's output") { jobId, dataset, output, storage, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build(parse.GetValue(storage));
            var account = configuration.StorageAccount();
            var resilience = StorageResilience.Create();
            using var http = new HttpClient();
            var listers = new DatasetListerFactory(account, new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), configuration.Samples(), http), resilience, http);
            VerificationReport report;
            try
            {
                var lister = await listers.CreateAsync(PathArguments.Normalize(parse.GetValue(dataset)!), cancellationToken);
                var store = new ResultStoreFactory(account, resilience).Create(PathArguments.Normalize(parse.GetValue(output)!));
                report = await DatasetVerifier.VerifyAsync(lister, store, parse.GetValue(jobId)!, cancellationToken);
            }
            catch (DatasetNotFoundException e)
            {
                Console.Error.WriteLine($"fleet: {e.Message}");
                return ExitCodes.Rejected;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            }
            else
            {
                Console.WriteLine($"{report.DatasetImages} images, {report.Rows} rows ({report.ErrorRows} errors): " +
                                  $"{report.MissingCount} missing, {report.DuplicatedCount} duplicated, {report.UnexpectedCount} not in the dataset");
                foreach (var (kind, uris) in new[] { ("missing", report.Missing), ("duplicated", report.Duplicated), ("unexpected", report.Unexpected) })
                {
                    foreach (var uri in uris)
                        Console.WriteLine($"  {kind}: {uri}");
                }
            }
            return report.IsExactlyOnce ? ExitCodes.Ok : ExitCodes.JobFailed;
        });
        return command;
    }
}
