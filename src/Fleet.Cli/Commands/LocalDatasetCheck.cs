using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Samples;
using Microsoft.Extensions.Configuration;

namespace Fleet.Cli.Commands;

/// <summary>
/// Whether a dataset on this machine (a folder, a file:// URI, a local manifest, sample:NAME) exists, asked before
/// `fleet run` starts storage and a silo: a missing folder used to take ~16 s to report (Azurite, the silo, the
/// submit, the shut-down). Through the same lister factory the job's admission uses, so the answer is the same;
/// blob and http datasets are left to the admission, which has the storage account.
/// </summary>
public static class LocalDatasetCheck
{
    public static bool IsLocal(string dataset) =>
        SampleDatasetResolver.IsSample(dataset)
        || dataset.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
        || !dataset.Contains("://", StringComparison.Ordinal);

    /// <summary>The reason the dataset cannot be run, or null (also null for a dataset that is not local).</summary>
    public static async Task<string?> ProblemAsync(string dataset, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (!IsLocal(dataset))
            return null;
        using var http = new HttpClient();
        var listers = new DatasetListerFactory(account: null, new SampleDatasetResolver(SampleDatasetCatalog.LoadDefault(), configuration.Samples(), http),
            StorageResilience.Create(), http);
        try
        {
            var lister = await listers.CreateAsync(dataset, cancellationToken);
            await lister.EnsureExistsAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is DatasetNotFoundException or ArgumentException or InvalidDataException)
        {
            return e.Message;
        }
    }
}
