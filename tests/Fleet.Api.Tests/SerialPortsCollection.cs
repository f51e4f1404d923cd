namespace Fleet.Api.Tests;

/// <summary>
/// Tests that take free ports and hand them to processes they start: run alone, so no other test class of this
/// project grabs a port between the moment it is found free and the moment the silo process binds it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialPortsCollection
{
    public const string Name = "serial ports";
}
