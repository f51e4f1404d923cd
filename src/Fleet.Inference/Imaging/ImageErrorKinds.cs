namespace Fleet.Inference.Imaging;

/// <summary>The kinds an error row names for an image that was read but not labeled.</summary>
public static class ImageErrorKinds
{
    public const string Decode = "decode";
    public const string TooLarge = "too-large";

    /// <summary>The kind and a short message for any per-image failure: nothing one image does fails its batch.</summary>
    public static (string Kind, string Message) Of(Exception exception) => exception switch
    {
        ImageDecodeException e => (e.Kind, e.Message),
        OutOfMemoryException => (TooLarge, "out of memory decoding the image"),
        _ => (Decode, $"{exception.GetType().Name}: {exception.Message}"),
    };
}
