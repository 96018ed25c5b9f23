using StbImageWriteSharp;

namespace LeNet5.Imaging.Tests;

/// <summary>
/// A float image (one channel per plane, values 0..255) for rendering MNIST digits the way people's images look:
/// smoothly enlarged, anywhere on paper or a board, in colour, blurred, noisy, saved as PNG or JPEG.
/// </summary>
internal sealed class Canvas
{
    public Canvas(int width, int height, params float[] paper)
    {
        Width = width;
        Height = height;
        Planes = paper.Select(value => Enumerable.Repeat(value, width * height).ToArray()).ToArray();
    }

    public int Width { get; }

    public int Height { get; }

    public float[][] Planes { get; }

    /// <summary>
    /// Draws a 28x28 MNIST digit (255 = full ink) enlarged to <paramref name="size"/> pixels with bilinear
    /// interpolation and a soft contrast curve, so strokes have smooth, pen-like edges rather than blocks, at
    /// (<paramref name="left"/>, <paramref name="top"/>) in <paramref name="ink"/> colour.
    /// </summary>
    public void DrawDigit(byte[] digit, int left, int top, int size, params float[] ink)
    {
        double scale = 28.0 / size;
        // Several samples per pixel when shrinking, so small renderings are anti-aliased too.
        int samples = (int)Math.Ceiling(2 * scale);
        for (int y = Math.Max(0, top); y < Math.Min(Height, top + size); y++)
        {
            for (int x = Math.Max(0, left); x < Math.Min(Width, left + size); x++)
            {
                float t = 0;
                for (int sy = 0; sy < samples; sy++)
                    for (int sx = 0; sx < samples; sx++)
                        t += Sample(digit, (x - left + (sx + 0.5) / samples) * scale - 0.5, (y - top + (sy + 0.5) / samples) * scale - 0.5);
                t /= 255f * samples * samples;
                t = t * t * (3 - 2 * t);
                if (t <= 0) continue;
                for (int c = 0; c < Planes.Length; c++)
                {
                    ref float v = ref Planes[c][y * Width + x];
                    v += (ink[c] - v) * t;
                }
            }
        }
    }

    /// <summary>Adds smooth shading: a linear gradient and a few soft blotches, as on a board or a photographed page.</summary>
    public void Shade(Random random, float amplitude)
    {
        double gx = random.NextDouble() * 2 - 1, gy = random.NextDouble() * 2 - 1;
        var shade = new double[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++) shade[y * Width + x] = amplitude * 0.5 * (gx * (x / (double)Width - 0.5) + gy * (y / (double)Height - 0.5));
        for (int b = 0; b < 3; b++)
        {
            // A Gaussian blotch is separable: exp(-(dx² + dy²) / r²) = exp(-dx² / r²) exp(-dy² / r²).
            double cx = random.NextDouble() * Width, cy = random.NextDouble() * Height;
            double r = (0.2 + random.NextDouble() * 0.3) * Math.Max(Width, Height), a = (random.NextDouble() * 2 - 1) * amplitude;
            double[] across = Enumerable.Range(0, Width).Select(x => Math.Exp(-(x - cx) * (x - cx) / (r * r))).ToArray();
            double[] down = Enumerable.Range(0, Height).Select(y => a * Math.Exp(-(y - cy) * (y - cy) / (r * r))).ToArray();
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++) shade[y * Width + x] += down[y] * across[x];
        }
        foreach (float[] plane in Planes)
            for (int i = 0; i < plane.Length; i++) plane[i] += (float)shade[i];
    }

    /// <summary>A box blur of the given radius, twice (close to a Gaussian).</summary>
    public void Blur(int radius)
    {
        foreach (float[] plane in Planes)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                BoxBlur(plane, Width, Height, radius, 1, Width);
                BoxBlur(plane, Height, Width, radius, Width, 1);
            }
        }
    }

    /// <summary>Adds Gaussian noise of the given standard deviation, the same on every plane (sensor luminance noise).</summary>
    public void AddNoise(Random random, float deviation)
    {
        // Consecutive samples of a fixed table from a random start: fast, and independent enough between images.
        int start = random.Next(StandardNormal.Length);
        for (int i = 0; i < Width * Height; i++)
        {
            float n = StandardNormal[(start + i) % StandardNormal.Length] * deviation;
            foreach (float[] plane in Planes) plane[i] += n;
        }
    }

    private static readonly float[] StandardNormal = NormalSamples(1 << 20, new Random(1));

    private static float[] NormalSamples(int count, Random random) => Enumerable.Range(0, count)
        .Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();

    /// <summary>The canvas as interleaved bytes, one per plane.</summary>
    public byte[] ToBytes()
    {
        int channels = Planes.Length;
        var bytes = new byte[Width * Height * channels];
        for (int i = 0; i < Width * Height; i++)
            for (int c = 0; c < channels; c++) bytes[i * channels + c] = (byte)Math.Clamp(MathF.Round(Planes[c][i]), 0, 255);
        return bytes;
    }

    /// <summary>The part of the canvas inside [left, left + width) x [top, top + height).</summary>
    public Canvas Crop(int left, int top, int width, int height)
    {
        var crop = new Canvas(width, height, new float[Planes.Length]);
        for (int c = 0; c < Planes.Length; c++)
            for (int y = 0; y < height; y++) Array.Copy(Planes[c], (top + y) * Width + left, crop.Planes[c], y * width, width);
        return crop;
    }

    public byte[] ToPng() => Encode((writer, data, components, stream) => writer.WritePng(data, Width, Height, components, stream));

    public byte[] ToBmp() => Encode((writer, data, components, stream) => writer.WriteBmp(data, Width, Height, components, stream));

    public byte[] ToJpeg(int quality) => Encode((writer, data, components, stream) => writer.WriteJpg(data, Width, Height, components, stream, quality));

    private byte[] Encode(Action<ImageWriter, byte[], ColorComponents, Stream> write)
    {
        using var stream = new MemoryStream();
        var components = Planes.Length switch { 1 => ColorComponents.Grey, 2 => ColorComponents.GreyAlpha, 3 => ColorComponents.RedGreenBlue, _ => ColorComponents.RedGreenBlueAlpha };
        write(new ImageWriter(), ToBytes(), components, stream);
        return stream.ToArray();
    }

    private static float Sample(byte[] digit, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        float At(int cx, int cy) => cx is < 0 or >= 28 || cy is < 0 or >= 28 ? 0 : digit[cy * 28 + cx];
        return (At(x0, y0) * (1 - fx) + At(x0 + 1, y0) * fx) * (1 - fy) + (At(x0, y0 + 1) * (1 - fx) + At(x0 + 1, y0 + 1) * fx) * fy;
    }

    private static void BoxBlur(float[] plane, int length, int lines, int radius, int step, int lineStep)
    {
        var line = new float[length];
        for (int l = 0; l < lines; l++)
        {
            int start = l * lineStep;
            for (int i = 0; i < length; i++) line[i] = plane[start + i * step];
            float sum = 0;
            int count = 0;
            for (int i = -radius; i < length + radius; i++)
            {
                if (i + radius < length) { sum += line[i + radius]; count++; }
                if (i - radius - 1 >= 0) { sum -= line[i - radius - 1]; count--; }
                if (i >= 0 && i < length) plane[start + i * step] = sum / count;
            }
        }
    }
}
