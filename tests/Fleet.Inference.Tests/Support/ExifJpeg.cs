using System.Buffers.Binary;

namespace Fleet.Inference.Tests.Support;

/// <summary>Adds an EXIF APP1 segment holding only an Orientation tag to a JPEG, as cameras write it.</summary>
internal static class ExifJpeg
{
    public static byte[] WithOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg is not [0xFF, 0xD8, ..])
        {
            throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        }

        // TIFF little-endian header, one IFD with one SHORT entry (0x0112 Orientation), no next IFD.
        var tiff = new byte[8 + 2 + 12 + 4];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), orientation);

        byte[] exifHeader = [.. "Exif"u8, 0, 0];
        var segmentLength = 2 + exifHeader.Length + tiff.Length;
        var segment = new byte[2 + segmentLength];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)segmentLength);
        exifHeader.CopyTo(segment, 4);
        tiff.CopyTo(segment, 4 + exifHeader.Length);

        // Right after SOI, before anything else, where readers look for it.
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }
}
