using System.Buffers.Binary;
using System.IO.Compression;

namespace LeNet5.Runtime.Data;

/// <summary>Pixels of an IDX image file: <c>Count</c> images of <c>Rows x Columns</c> bytes, row-major.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Height of one image.</param>
/// <param name="Columns">Width of one image.</param>
/// <param name="Pixels"><c>Count * Rows * Columns</c> bytes in [0, 255].</param>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads MNIST IDX files, gzipped (detected by the magic bytes <c>1f 8b</c>) or raw, and validates them:
/// magic number (2051 for images, 2049 for labels), dimensions, and exact length.
/// Every problem is a <see cref="MnistFormatException"/> (or <see cref="DataFileException"/> when the file cannot
/// be read) whose message names the file and what is wrong.
/// </summary>
public static class MnistReader
{
    /// <summary>The IDX magic number of an unsigned-byte 3-dimensional file (images).</summary>
    public const int ImagesMagic = 2051;

    /// <summary>The IDX magic number of an unsigned-byte 1-dimensional file (labels).</summary>
    public const int LabelsMagic = 2049;

    /// <summary>The most pixel or label bytes a file may declare (1 GiB; MNIST's training images are 47 MB).</summary>
    public const long MaxDataBytes = 1L << 30;

    // Deflate cannot expand data by more than about 1032:1, which bounds what a gzip file of a given size can hold.
    private const long MaxGzipRatio = 1032;

    /// <summary>Reads an image file.</summary>
    public static IdxImages ReadImages(string path)
    {
        using FileStream file = MnistFiles.OpenRead(path);
        return ReadImages(file, path);
    }

    /// <summary>Reads an image file from a seekable stream (left open); <paramref name="path"/> names it in messages.</summary>
    public static IdxImages ReadImages(Stream file, string path)
    {
        bool gzip = IsGzip(file, out long fileLength);
        using GZipStream? unzipped = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : null;
        Stream stream = unzipped ?? file;
        Span<byte> header = stackalloc byte[16];
        ReadExactly(stream, path, gzip, header[..4], 0, 16, "header");
        CheckMagic(path, header, ImagesMagic, "image");
        ReadExactly(stream, path, gzip, header[4..], 4, 16, "header");
        int count = ReadDimension(path, header[4..], "image count");
        int rows = ReadDimension(path, header[8..], "row count");
        int columns = ReadDimension(path, header[12..], "column count");
        if (rows == 0 || columns == 0)
            throw new MnistFormatException($"{path}: images are {rows}x{columns}; both dimensions must be positive");
        // Three 31-bit dimensions can multiply past a long: the product is checked as a 128-bit integer.
        Int128 declared = (Int128)count * rows * columns;
        CheckDeclaredLength(path, gzip, fileLength, 16, declared, $"{count} images of {rows}x{columns}", "pixel data");
        long length = (long)declared;
        byte[] pixels = new byte[length];
        ReadExactly(stream, path, gzip, pixels, 16, 16 + length, "pixel data");
        CheckEnd(stream, path, gzip, 16 + length);
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a label file; every label must be below <paramref name="classCount"/>.</summary>
    public static byte[] ReadLabels(string path, int classCount = 10)
    {
        using FileStream file = MnistFiles.OpenRead(path);
        return ReadLabels(file, path, classCount);
    }

    /// <summary>Reads a label file from a seekable stream (left open); <paramref name="path"/> names it in messages.</summary>
    public static byte[] ReadLabels(Stream file, string path, int classCount = 10)
    {
        bool gzip = IsGzip(file, out long fileLength);
        using GZipStream? unzipped = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : null;
        Stream stream = unzipped ?? file;
        Span<byte> header = stackalloc byte[8];
        ReadExactly(stream, path, gzip, header[..4], 0, 8, "header");
        CheckMagic(path, header, LabelsMagic, "label");
        ReadExactly(stream, path, gzip, header[4..], 4, 8, "header");
        int count = ReadDimension(path, header[4..], "label count");
        CheckDeclaredLength(path, gzip, fileLength, 8, count, $"{count} labels", "labels");
        byte[] labels = new byte[count];
        ReadExactly(stream, path, gzip, labels, 8, 8 + (long)count, "labels");
        CheckEnd(stream, path, gzip, 8 + (long)count);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
                throw new MnistFormatException($"{path}: label {labels[i]} at index {i} is out of range; labels must be 0 to {classCount - 1}");
        }
        return labels;
    }

    /// <summary>Reads an image file and its label file and checks that they hold the same number of items.</summary>
    public static (IdxImages Images, byte[] Labels) Read(string imagesPath, string labelsPath, int classCount = 10)
    {
        IdxImages images = ReadImages(imagesPath);
        byte[] labels = ReadLabels(labelsPath, classCount);
        if (images.Count != labels.Length)
        {
            throw new MnistFormatException(
                $"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels; the counts must agree");
        }
        return (images, labels);
    }

    /// <summary>
    /// Refuses a declared size before allocating it: above <see cref="MaxDataBytes"/>, longer than the raw file, or more
    /// than a gzip file of this size can decompress to. A crafted header cannot make the reader allocate gigabytes.
    /// </summary>
    private static void CheckDeclaredLength(string path, bool gzip, long fileLength, long start, Int128 length, string declared, string what)
    {
        if (length > MaxDataBytes)
            throw new MnistFormatException($"{path}: the header declares {declared}, {length} bytes of {what}, more than the {MaxDataBytes} bytes this reader accepts");
        long bytes = (long)length;
        if (!gzip && start + bytes > fileLength)
            throw Truncated(path, gzip, what, start, start + bytes, bytes, fileLength - start);
        if (gzip && bytes > fileLength * MaxGzipRatio)
            throw new MnistFormatException($"{path}: the header declares {declared}, {bytes} bytes of {what}, more than a gzip file of {fileLength} bytes can hold; the file is truncated or corrupt");
    }

    private static MnistFormatException Truncated(string path, bool gzip, string what, long start, long end, long expected, long got)
    {
        string content = gzip ? "decompressed content" : "file";
        return new MnistFormatException(
            $"{path}: truncated {what}: the {content} ends after {start + got} bytes but must be {(what == "header" ? "at least " : "")}{end} bytes long (expected {expected} bytes of {what}, got {got})");
    }

    /// <summary>Whether the content from the stream's position on is gzipped (starts with <c>1f 8b</c>), and its length.</summary>
    private static bool IsGzip(Stream file, out long fileLength)
    {
        long start = file.Position;
        fileLength = file.Length - start;
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = start;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static void ReadExactly(Stream stream, string path, bool gzip, Span<byte> buffer, long start, long end, string what)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer[total..]);
                if (read == 0) break;
                total += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new MnistFormatException($"{path}: corrupt gzip data ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DataFileException($"{path}: cannot read: {e.Message}", e);
        }
        if (total < buffer.Length) throw Truncated(path, gzip, what, start, end, buffer.Length, total);
    }

    private static void CheckEnd(Stream stream, string path, bool gzip, long expectedLength)
    {
        Span<byte> probe = stackalloc byte[4096];
        long extra = 0;
        try
        {
            int read;
            while ((read = stream.Read(probe)) > 0) extra += read;
        }
        catch (InvalidDataException e)
        {
            throw new MnistFormatException($"{path}: corrupt gzip data ({e.Message})", e);
        }
        if (extra > 0)
        {
            string content = gzip ? "decompressed content" : "file";
            throw new MnistFormatException($"{path}: the {content} should be {expectedLength} bytes long but has {extra} bytes more than the header declares");
        }
    }

    private static void CheckMagic(string path, ReadOnlySpan<byte> header, int expected, string kind)
    {
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
        {
            string hint = magic == (expected == ImagesMagic ? LabelsMagic : ImagesMagic)
                ? $" (that is the magic number of a {(expected == ImagesMagic ? "label" : "image")} file: are the files swapped?)"
                : "";
            throw new MnistFormatException($"{path}: wrong magic number {magic} (0x{magic:x8}); an IDX {kind} file starts with {expected} (0x{expected:x8}){hint}");
        }
    }

    private static int ReadDimension(string path, ReadOnlySpan<byte> bytes, string what)
    {
        uint value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (value > int.MaxValue) throw new MnistFormatException($"{path}: {what} {value} in the header is too large");
        return (int)value;
    }
}
