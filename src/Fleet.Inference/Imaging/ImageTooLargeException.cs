namespace Fleet.Inference.Imaging;

/// <summary>The header declares an image over <see cref="ImageLimits"/>: refused before decoding (error kind <c>too-large</c>).</summary>
public sealed class ImageTooLargeException : ImageDecodeException
{
    public ImageTooLargeException()
    {
    }

    public ImageTooLargeException(string message)
        : base(message)
    {
    }

    public ImageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override string Kind => ImageErrorKinds.TooLarge;
}
