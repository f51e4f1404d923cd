namespace Fleet.AppHost.Tests;

/// <summary>One whole fleet at a time: each AppHost test runs Azurite, two silos and the API.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    public const string Name = "AppHost";
}
