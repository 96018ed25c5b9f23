using System.Buffers.Binary;
using System.IO.Compression;
using LeNet5.Tests;

namespace LeNet5.Imaging.Tests;

/// <summary>PNG files whose header says anything: a valid IHDR with any size and a tiny IDAT.</summary>
internal static class CraftedPng
{
    /// <summary>An 8-bit grey PNG declaring <paramref name="width"/> x <paramref name="height"/> with one row of data.</summary>
    public static byte[] Declaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        PngWriter.Chunk(png, "IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(new byte[Math.Min(width, 1000) + 1]);
        PngWriter.Chunk(png, "IDAT", compressed.ToArray());
        PngWriter.Chunk(png, "IEND", []);
        return png.ToArray();
    }
}
