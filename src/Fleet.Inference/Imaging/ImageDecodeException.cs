namespace Fleet.Inference.Imaging;

/// <summary>The bytes are not an image we can decode whole; the message is short enough for a result row.</summary>
public class ImageDecodeException : Exception
{
    public ImageDecodeException()
    {
    }

    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error row's kind: <c>decode</c>, or <c>too-large</c> for a header over the limits.</summary>
    public virtual string Kind => ImageErrorKinds.Decode;
}
