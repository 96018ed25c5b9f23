using System.Buffers.Binary;
using StbImageSharp;

namespace LeNet5.Imaging;

/// <summary>
/// Reads encoded images with StbImageSharp after checking their size: the file's length before reading it, the
/// width and height from the header before decoding, so a small file that declares a huge image costs nothing.
/// </summary>
internal static class ImageDecoder
{
    public static GreyImage ReadFile(string path, DigitImageOptions options)
    {
        if (Directory.Exists(path)) throw new DigitImageException(path, DigitImageError.IsFolder, "is a folder, not an image");
        byte[] bytes;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists) throw new DigitImageException(path, DigitImageError.NotFound, "file not found");
            CheckEncodedLength(path, file.Length, options);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            DigitImageError error = e is FileNotFoundException or DirectoryNotFoundException ? DigitImageError.NotFound : DigitImageError.Unreadable;
            throw new DigitImageException(path, error, error == DigitImageError.NotFound ? "file not found" : "cannot read the file: " + e.Message, e);
        }
        return Decode(path, bytes, options);
    }

    public static GreyImage ReadStream(string name, Stream stream, DigitImageOptions options)
    {
        byte[] bytes;
        try
        {
            if (stream.CanSeek) CheckEncodedLength(name, stream.Length - stream.Position, options);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                CheckEncodedLength(name, buffer.Length + read, options);
                buffer.Write(chunk, 0, read);
            }
            bytes = buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException or UnauthorizedAccessException)
        {
            throw new DigitImageException(name, DigitImageError.Unreadable, "cannot read the stream: " + e.Message, e);
        }
        return Decode(name, bytes, options);
    }

    public static unsafe GreyImage Decode(string name, ReadOnlySpan<byte> encoded, DigitImageOptions options)
    {
        if (encoded.IsEmpty) throw new DigitImageException(name, DigitImageError.NotAnImage, "not an image: the file is empty");
        CheckEncodedLength(name, encoded.Length, options);
        fixed (byte* start = encoded)
        {
            using var stream = new UnmanagedMemoryStream(start, encoded.Length);
            ImageInfo? header;
            try
            {
                header = ImageInfo.FromStream(stream);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw NotAnImage(name, e);
            }
            if (header is not { } info)
            {
                // The decoder also refuses PNG headers beyond its own limit (2^30 bytes of pixels): say so.
                if (PngSize(encoded) is var (width, height)) ImageSize.Check(name, width, height, options);
                throw new DigitImageException(name, DigitImageError.NotAnImage, "not a PNG, JPEG, BMP or GIF image (or a damaged one)");
            }
            ImageSize.Check(name, info.Width, info.Height, options);

            bool alpha = info.ColorComponents is ColorComponents.GreyAlpha or ColorComponents.RedGreenBlueAlpha;
            ImageResult image;
            try
            {
                stream.Position = 0;
                image = ImageResult.FromStream(stream, alpha ? ColorComponents.GreyAlpha : ColorComponents.Grey);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw NotAnImage(name, e);
            }
            if (image?.Data is null || image.Width != info.Width || image.Height != info.Height)
                throw new DigitImageException(name, DigitImageError.NotAnImage, "not a readable image: the decoder returned no pixels");
            int channels = alpha ? 2 : 1;
            return GreyConversion.ToGrey(image.Data, image.Width, image.Height, image.Width * channels,
                alpha ? PixelFormat.GreyAlpha16 : PixelFormat.Grey8, options.Polarity);
        }
    }

    /// <summary>The width and height in a PNG's IHDR chunk, which the format puts first.</summary>
    private static (int Width, int Height)? PngSize(ReadOnlySpan<byte> encoded)
    {
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        if (encoded.Length < 24 || !encoded[..16].SequenceEqual(signature)) return null;
        uint width = BinaryPrimitives.ReadUInt32BigEndian(encoded[16..]), height = BinaryPrimitives.ReadUInt32BigEndian(encoded[20..]);
        return width > int.MaxValue || height > int.MaxValue ? (int.MaxValue, int.MaxValue) : ((int)width, (int)height);
    }

    private static void CheckEncodedLength(string name, long length, DigitImageOptions options)
    {
        if (length > options.MaxEncodedBytes)
            throw new DigitImageException(name, DigitImageError.TooLarge, $"the file has {length:N0} bytes; the limit is {options.MaxEncodedBytes:N0}");
    }

    /// <summary>The decoder's reason (for example "bad huffman code"), which may hold any bytes, as one printable line.</summary>
    private static DigitImageException NotAnImage(string name, Exception e)
    {
        string reason = DigitImageException.OneLine(e.Message);
        return new DigitImageException(name, DigitImageError.NotAnImage,
            reason.Length == 0 ? "not a readable image" : $"not a readable image ({reason})", e);
    }
}
