using LeNet5.Runtime;
using StbImageSharp;

namespace LeNet5.Cli;

/// <summary>
/// Turns an image file (PNG, or anything else StbImageSharp reads; grey or colour, with or without alpha) into the
/// network's normalized input. MNIST convention: a light (white) digit on a dark (black) background; pass
/// <c>invert</c> for a dark digit on a light background. Transparent pixels count as background. A non-square image
/// is padded to a square with background, then scaled to the input size by area averaging; images smaller than the
/// input size are refused. Best results come from a digit centred in the image and filling about 20/28 of it, as in MNIST.
/// </summary>
public static class DigitImage
{
    /// <summary>Loads <paramref name="path"/> as <c>height x width</c> normalized floats.</summary>
    /// <exception cref="LeNet5Exception">The file is missing, not an image, or too small.</exception>
    public static float[] Load(string path, int height, int width, bool invert, InputScaling? scaling = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot read the image: {(e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message)}", e);
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.GreyAlpha);
        }
        catch (Exception e)
        {
            throw new LeNet5Exception($"{path}: not a readable image ({e.Message})", e);
        }
        if (image is null || image.Data is null) throw new LeNet5Exception($"{path}: not a readable image");
        if (image.Width < width || image.Height < height)
            throw new LeNet5Exception($"{path}: image is {image.Width}x{image.Height}; it must be at least {width}x{height}");

        float background = invert ? 255f : 0f;
        int side = Math.Max(image.Width, image.Height);
        var square = new float[side * side];
        Array.Fill(square, background);
        int left = (side - image.Width) / 2, top = (side - image.Height) / 2;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int i = (y * image.Width + x) * 2;
                float alpha = image.Data[i + 1] / 255f;
                square[(top + y) * side + left + x] = image.Data[i] * alpha + background * (1 - alpha);
            }
        }

        float[] scaled = AreaResize(square, side, side, height, width);
        for (int i = 0; i < scaled.Length; i++)
        {
            float pixel = invert ? 255f - scaled[i] : scaled[i];
            scaled[i] = scaling is { } custom ? custom.Scale(pixel) : MnistPreprocessing.Normalize(pixel);
        }
        return scaled;
    }

    /// <summary>Scales a grey image by area averaging (each output pixel is the mean of the source area it covers).</summary>
    public static float[] AreaResize(float[] source, int sourceHeight, int sourceWidth, int height, int width)
    {
        float[,] rowWeights = Weights(sourceHeight, height);
        float[,] columnWeights = Weights(sourceWidth, width);
        var rows = new float[height * sourceWidth];
        for (int o = 0; o < height; o++)
        {
            for (int s = 0; s < sourceHeight; s++)
            {
                float w = rowWeights[o, s];
                if (w == 0) continue;
                for (int x = 0; x < sourceWidth; x++) rows[o * sourceWidth + x] += w * source[s * sourceWidth + x];
            }
        }
        var result = new float[height * width];
        for (int y = 0; y < height; y++)
        {
            for (int o = 0; o < width; o++)
            {
                float sum = 0;
                for (int s = 0; s < sourceWidth; s++) sum += columnWeights[o, s] * rows[y * sourceWidth + s];
                result[y * width + o] = sum;
            }
        }
        return result;
    }

    /// <summary>weights[o, s]: the share of output cell o covered by source cell s (rows sum to 1).</summary>
    private static float[,] Weights(int sourceLength, int length)
    {
        var weights = new float[length, sourceLength];
        double scale = (double)sourceLength / length;
        for (int o = 0; o < length; o++)
        {
            double start = o * scale, end = (o + 1) * scale;
            for (int s = (int)Math.Floor(start); s < Math.Min(sourceLength, (int)Math.Ceiling(end)); s++)
            {
                double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                if (overlap > 0) weights[o, s] = (float)(overlap / scale);
            }
        }
        return weights;
    }
}
