using System.Buffers.Binary;
using System.IO.Compression;

namespace DigitClassifierSample;

/// <summary>
/// Reads the grey levels of an 8-bit, non-interlaced PNG (grey, grey+alpha, RGB or RGBA): enough for digit images
/// without an imaging library. Colour is reduced to luma; transparent pixels count as background (black).
/// </summary>
internal static class PngImage
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] ReadGrey(string path, out int width, out int height)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException($"{path}: not a PNG file");
        width = height = 0;
        int bitDepth = 0, colourType = 0, interlace = 0;
        var compressed = new MemoryStream();
        for (int at = 8; at + 8 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            ReadOnlySpan<byte> data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                bitDepth = data[8];
                colourType = data[9];
                interlace = data[12];
            }
            else if (type == "IDAT") compressed.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        int channels = colourType switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => 0 };
        if (bitDepth != 8 || channels == 0 || interlace != 0)
            throw new InvalidDataException($"{path}: only 8-bit non-interlaced grey, grey+alpha, RGB or RGBA PNGs are read (bit depth {bitDepth}, colour type {colourType}, interlace {interlace})");

        int stride = width * channels;
        var raw = new byte[height * (stride + 1)];
        compressed.Position = 0;
        using (var inflater = new ZLibStream(compressed, CompressionMode.Decompress)) inflater.ReadExactly(raw);

        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            ReadOnlySpan<byte> source = raw.AsSpan((y * (stride + 1)) + 1, stride);
            Span<byte> row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> above = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (int x = 0; x < stride; x++)
            {
                int left = x >= channels ? row[x - channels] : 0;
                int up = above[x];
                int upLeft = x >= channels ? above[x - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"{path}: unknown PNG filter {filter}"),
                };
                row[x] = (byte)(source[x] + predictor);
            }
        }

        var grey = new byte[width * height];
        for (int i = 0; i < grey.Length; i++)
        {
            ReadOnlySpan<byte> p = pixels.AsSpan(i * channels, channels);
            int luma = channels >= 3 ? ((299 * p[0]) + (587 * p[1]) + (114 * p[2]) + 500) / 1000 : p[0];
            int alpha = channels is 2 or 4 ? p[channels - 1] : 255;
            grey[i] = (byte)((luma * alpha + 127) / 255);
        }
        return grey;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
