using Fleet.Storage.Datasets;
using Fleet.Storage.Results;

namespace Fleet.Storage.Verification;

/// <summary>
/// Checks the exactly-once rule from the outside: lists the dataset again, reads every committed row (data and error
/// parts), and reports URIs that are missing, in more than one row, or not in the dataset at all.
/// Holds one set of URIs in memory (about 100 bytes an image).
/// </summary>
public static class DatasetVerifier
{
    public static async Task<VerificationReport> VerifyAsync(IDatasetLister dataset, IResultStore results, string jobId, CancellationToken cancellationToken)
    {
        // uri -> rows seen for it; -1 marks a URI that is in the dataset.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        long images = 0;
        await foreach (var item in dataset.ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            seen[ItemReader.Display(item.Uri)] = 0;
            images++;
        }

        long rows = 0, errorRows = 0;
        var unexpected = new List<string>();
        long unexpectedCount = 0;
        await foreach (var line in results.ReadRowsAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var row = ResultRow.Parse(line);
            rows++;
            if (row.Error is not null)
                errorRows++;
            if (seen.TryGetValue(row.Uri, out var count))
            {
                seen[row.Uri] = count + 1;
            }
            else
            {
                unexpectedCount++;
                if (unexpected.Count < VerificationReport.SampleSize)
                    unexpected.Add(row.Uri);
            }
        }

        var missing = seen.Where(p => p.Value == 0).Select(p => p.Key).ToList();
        var duplicated = seen.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        return new VerificationReport
        {
            DatasetImages = images,
            Rows = rows,
            ErrorRows = errorRows,
            MissingCount = missing.Count,
            DuplicatedCount = duplicated.Count,
            UnexpectedCount = unexpectedCount,
            Missing = missing.Order(StringComparer.Ordinal).Take(VerificationReport.SampleSize).ToArray(),
            Duplicated = duplicated.Order(StringComparer.Ordinal).Take(VerificationReport.SampleSize).ToArray(),
            Unexpected = unexpected,
        };
    }
}
