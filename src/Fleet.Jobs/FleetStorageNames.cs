namespace Fleet.Jobs;

/// <summary>Names the silo host must register providers under.</summary>
public static class FleetStorageNames
{
    public const string GrainStorage = "fleet";
}
