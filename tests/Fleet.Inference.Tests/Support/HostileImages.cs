using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Fleet.Inference.Tests.Support;

/// <summary>Images written byte by byte at test time: headers that lie, shapes no camera makes, formats Skia cannot encode.</summary>
internal static class HostileImages
{
    /// <summary>A real PNG of <paramref name="width"/> x <paramref name="height"/> (8-bit gray, or 16-bit RGB), rows of zeros: tiny once compressed.</summary>
    public static byte[] Png(int width, int height, bool sixteenBitRgb = false)
    {
        var bytesPerPixel = sixteenBitRgb ? 6 : 1;
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + ((long)width * bytesPerPixel)];
            for (var i = 1; i < row.Length; i++)
                row[i] = (byte)(i * 7);
            for (var y = 0; y < height; y++)
                z.Write(row);
        }
        return PngWith(width, height, sixteenBitRgb ? (byte)16 : (byte)8, sixteenBitRgb ? (byte)2 : (byte)0, raw.ToArray());
    }

    /// <summary>A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> but whose data is one short row.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
            z.Write(new byte[64]);
        return PngWith(width, height, 8, 0, raw.ToArray());
    }

    /// <summary>A small JPEG whose frame header is rewritten to claim another size, and to be progressive (SOF2) if asked.</summary>
    public static byte[] JpegClaiming(byte[] jpeg, int width, int height, bool progressive)
    {
        var bytes = (byte[])jpeg.Clone();
        for (var i = 2; i < bytes.Length - 9; i++)
        {
            if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
            {
                if (progressive)
                    bytes[i + 1] = 0xC2;
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)width);
                return bytes;
            }
        }
        throw new ArgumentException("No SOF0/SOF2 marker.", nameof(jpeg));
    }

    /// <summary>A 1x1 GIF89a (Skia decodes GIF but cannot encode it).</summary>
    public static byte[] Gif1x1() =>
    [
        .. "GIF89a"u8, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    private static byte[] PngWith(int width, int height, byte bitDepth, byte colourType, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colourType;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typeAndData));
        png.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
