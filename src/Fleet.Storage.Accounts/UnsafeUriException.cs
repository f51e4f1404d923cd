namespace Fleet.Storage;

/// <summary>
/// An http(s) URI whose path could mean two things (a dot segment, an encoded separator, a backslash) or that carries
/// user info. An <see cref="ArgumentException"/>, so admission answers it as a bad spec (400) and an item becomes an
/// error row; the message says which rule it broke and never quotes the URI's query.
/// </summary>
public sealed class UnsafeUriException(string message) : ArgumentException(message);
