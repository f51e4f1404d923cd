namespace Fleet.Jobs.Registry;

/// <summary>How many jobs the registry keeps (bound from Fleet:Jobs:Registry).</summary>
public sealed record JobRegistryOptions
{
    public const string SectionName = "Fleet:Jobs:Registry";

    /// <summary>
    /// The jobs of one owner the registry keeps, and so the API can address (list, read, watch, cancel, resume). Beyond
    /// it the owner's oldest finished job is forgotten (its results stay; its id answers 404); a job that wants workers
    /// is never forgotten. Each owner has its own count, so one owner's flood never pushes out another's jobs.
    /// </summary>
    public int MaxJobsPerOwner { get; set; } = 1000;
}
