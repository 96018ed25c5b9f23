namespace LeNet5.Imaging;

/// <summary>
/// MNIST's procedure: the digit's bounding box scaled to fit a box of 20/28 of the output keeping the aspect ratio,
/// anti-aliased, then placed so that its centre of mass is at the output's centre (pixel (14, 14) of 28x28, where
/// MNIST's digits have theirs on average).
/// </summary>
internal static class MnistFraming
{
    private const double BoxFraction = 20.0 / 28.0;

    public static byte[] Frame(GreyImage image, InkLevels levels, InkBounds ink, int height, int width)
    {
        float[] strength = levels.Strength;
        double scale = Math.Min(width * BoxFraction / ink.Width, height * BoxFraction / ink.Height);
        (double centreX, double centreY) = CentreOfMass(image, strength, ink);

        // The anti-aliased edge just outside the threshold's box belongs to the strokes too.
        int margin = (int)Math.Ceiling(1 / scale) + 1;
        var window = new InkBounds(
            Math.Max(0, ink.Left - margin), Math.Max(0, ink.Top - margin),
            Math.Min(image.Width - 1, ink.Right + margin), Math.Min(image.Height - 1, ink.Bottom + margin));

        // Index (w/2, h/2) is the target; in continuous coordinates its centre is + 0.5.
        double targetX = width / 2 + 0.5, targetY = height / 2 + 0.5;
        var columns = new AxisMapping(scale, centreX + 0.5, targetX);
        var rows = new AxisMapping(scale, centreY + 0.5, targetY);
        float[] output = Resampler.Resample(image, strength, window, columns, rows, height, width);

        // Bilinear enlarging and the output's edges move the centre of mass a little: correct once.
        (double outX, double outY) = CentreOfMass(output, width, height);
        columns = columns with { OutputCentre = targetX + (targetX - 0.5 - outX) };
        rows = rows with { OutputCentre = targetY + (targetY - 0.5 - outY) };
        output = Resampler.Resample(image, strength, window, columns, rows, height, width);
        return ToBytes(output);
    }

    /// <summary>Ink 255 at the strongest pixel, so thin or faint strokes still reach MNIST's full ink.</summary>
    private static byte[] ToBytes(float[] output)
    {
        float max = output.Max();
        float gain = max > 0 ? 255 / max : 0;
        var bytes = new byte[output.Length];
        for (int i = 0; i < output.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(output[i] * gain), 0, 255);
        return bytes;
    }

    /// <summary>The ink-weighted mean pixel index within <paramref name="box"/>.</summary>
    private static (double X, double Y) CentreOfMass(GreyImage image, float[] strength, InkBounds box)
    {
        double mass = 0, x = 0, y = 0;
        for (int row = box.Top; row <= box.Bottom; row++)
        {
            ReadOnlySpan<byte> pixels = image.Row(row);
            double rowMass = 0;
            for (int column = box.Left; column <= box.Right; column++)
            {
                float s = strength[pixels[column]];
                rowMass += s;
                x += s * column;
            }
            mass += rowMass;
            y += rowMass * row;
        }
        return mass == 0 ? ((box.Left + box.Right) / 2.0, (box.Top + box.Bottom) / 2.0) : (x / mass, y / mass);
    }

    /// <summary>The value-weighted mean pixel index of an output image (its centre when it is all 0).</summary>
    internal static (double X, double Y) CentreOfMass(ReadOnlySpan<float> pixels, int width, int height)
    {
        double mass = 0, x = 0, y = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            mass += pixels[i];
            x += pixels[i] * (i % width);
            y += pixels[i] * (i / width);
        }
        return mass == 0 ? ((width - 1) / 2.0, (height - 1) / 2.0) : (x / mass, y / mass);
    }
}
