namespace LeNet5.Runtime.Data;

/// <summary>
/// Random planar affine distortions of training images (LeCun et al. 1998, section III.C: translation, scaling,
/// squeezing, shearing), drawn from a hash of the seed, the epoch and the image index, so the same image in the
/// same epoch is always distorted the same way whatever the thread count or the batch it falls in. Resampled
/// bilinearly about the image centre; pixels from outside the image take the background value.
/// </summary>
/// <remarks>
/// The paper gives no magnitudes. These were chosen on a validation split of the paper recipe; the README's
/// section on the paper's LeNet-5 has the comparison.
/// </remarks>
public static class AffineDistortion
{
    /// <summary>Largest shift, in pixels, along each axis.</summary>
    public const float MaxTranslation = 1f;

    /// <summary>Largest relative change of the overall size.</summary>
    public const float MaxScaling = 0.05f;

    /// <summary>Largest relative change of the width against the height.</summary>
    public const float MaxSqueezing = 0.05f;

    /// <summary>Largest horizontal shift per row, relative to the distance from the centre row.</summary>
    public const float MaxShearing = 0.1f;

    /// <summary>Writes a distorted copy of <paramref name="source"/> (<paramref name="height"/> x <paramref name="width"/>) into <paramref name="destination"/>.</summary>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int height, int width, float background, int seed, int epoch, int index)
    {
        int size = height * width;
        if (source.Length < size || destination.Length < size) throw new ArgumentException("the spans are shorter than height * width");
        ulong state = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)epoch << 32 | (uint)index));
        float tx = MaxTranslation * Symmetric(ref state);
        float ty = MaxTranslation * Symmetric(ref state);
        float scale = 1f + MaxScaling * Symmetric(ref state);
        float squeeze = 1f + MaxSqueezing * Symmetric(ref state);
        float shear = MaxShearing * Symmetric(ref state);

        // Forward map about the centre c: p' = M (p - c) + c + t with M = [[sx, shear * sx], [0, sy]];
        // each destination pixel reads the source at M^-1 (p' - c - t) + c.
        float sx = scale * squeeze, sy = scale / squeeze;
        float cx = (width - 1) * 0.5f, cy = (height - 1) * 0.5f;
        for (int y = 0; y < height; y++)
        {
            float dy = y - cy - ty;
            float sourceY = dy / sy + cy;
            for (int x = 0; x < width; x++)
            {
                float dx = x - cx - tx;
                float sourceX = (dx - shear * sx * (dy / sy)) / sx + cx;
                destination[y * width + x] = Sample(source, height, width, sourceY, sourceX, background);
            }
        }
    }

    private static float Sample(ReadOnlySpan<float> source, int height, int width, float y, float x, float background)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float fx = x - x0, fy = y - y0;
        float a = Pixel(source, height, width, y0, x0, background);
        float b = Pixel(source, height, width, y0, x0 + 1, background);
        float c = Pixel(source, height, width, y0 + 1, x0, background);
        float d = Pixel(source, height, width, y0 + 1, x0 + 1, background);
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }

    private static float Pixel(ReadOnlySpan<float> source, int height, int width, int y, int x, float background)
        => (uint)y < (uint)height && (uint)x < (uint)width ? source[y * width + x] : background;

    /// <summary>Uniform in [-1, 1) from a SplitMix64 step.</summary>
    private static float Symmetric(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (float)((z >> 40) * (1.0 / (1UL << 24))) * 2f - 1f;
        }
    }
}
