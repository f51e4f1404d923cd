namespace Fleet.Inference.Imaging;

/// <summary>The bytes are not an image we can decode whole; the message is short enough for a result row.</summary>
public sealed class ImageDecodeException : Exception
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
}
