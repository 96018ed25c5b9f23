namespace LeNet5.Imaging;

/// <summary>The whole image padded to a square with background and scaled to the output (area averaging when shrinking).</summary>
internal static class WholeImageFraming
{
    public static byte[] Frame(GreyImage image, InkPolarity polarity, int height, int width)
    {
        // Background 0 after the flip, so the padding outside the image is background.
        var value = new float[256];
        for (int v = 0; v < 256; v++) value[v] = polarity == InkPolarity.DarkOnLight ? 255 - v : v;
        int side = Math.Max(image.Width, image.Height);
        var columns = new AxisMapping((double)width / side, image.Width / 2.0, width / 2.0);
        var rows = new AxisMapping((double)height / side, image.Height / 2.0, height / 2.0);
        float[] output = Resampler.Resample(image, value, new InkBounds(0, 0, image.Width - 1, image.Height - 1), columns, rows, height, width);
        var bytes = new byte[output.Length];
        for (int i = 0; i < output.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(output[i]), 0, 255);
        return bytes;
    }
}
