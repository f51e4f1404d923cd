namespace Fleet.Storage.Limits;

/// <summary>
/// An item over <see cref="ItemLimits.MaxItemBytes"/>. Not an <see cref="IOException"/>: retrying cannot shrink it, so the
/// retry policy leaves it alone, and it becomes an error row of kind <c>too-large</c>.
/// </summary>
public sealed class ItemTooLargeException(string message) : Exception(message);
