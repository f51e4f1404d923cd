namespace Fleet.Storage.Security;

/// <summary>
/// A dataset, manifest line or output that the intake policy (<c>Fleet:Intake</c>) does not allow. An
/// <see cref="ArgumentException"/>, so job admission answers it as a bad spec (400); for an item it is an error row of kind
/// <c>policy</c>. The message names the refused location without its query and never quotes file content.
/// </summary>
public sealed class IntakePolicyException(string message) : ArgumentException(message);
