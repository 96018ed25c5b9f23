using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Imaging.Tests;

/// <summary>The steps of the preparation, each on an image made for it.</summary>
public sealed class PreparationTests
{
    private static Canvas Digit(int index, int width, int height, int left, int top, int size, float paper, float ink)
    {
        var canvas = new Canvas(width, height, paper);
        canvas.DrawDigit(MnistTestDigits.Image(index), left, top, size, ink);
        return canvas;
    }

    /// <summary>The inclusive box of the pixels above <paramref name="level"/>.</summary>
    private static (int Left, int Top, int Right, int Bottom) Box(ReadOnlySpan<byte> pixels, int width, int level = 64)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] <= level) continue;
            (left, right, top, bottom) = (Math.Min(left, i % width), Math.Max(right, i % width), Math.Min(top, i / width), Math.Max(bottom, i / width));
        }
        return (left, top, right, bottom);
    }

    [Fact]
    public void Polarity_is_found_and_both_give_the_same_digit()
    {
        DigitImage dark = RenderedImage.Raw(Digit(3, 150, 120, 30, 10, 100, 240f, 20f)).Prepare();
        DigitImage light = RenderedImage.Raw(Digit(3, 150, 120, 30, 10, 100, 20f, 240f)).Prepare();
        Assert.Equal(InkPolarity.DarkOnLight, dark.Polarity);
        Assert.Equal(InkPolarity.LightOnDark, light.Polarity);
        for (int i = 0; i < 28 * 28; i++) Assert.InRange(dark.Pixels[i] - light.Pixels[i], -2, 2);
        Assert.Equal(0, dark.Pixels[0]);
        Assert.Equal(255, dark.Pixels.ToArray().Max());

        // Told the wrong way round, nothing stands out on the ink's side of the paper.
        var e = Assert.Throws<DigitImageException>(() => RenderedImage.Raw(Digit(3, 150, 120, 30, 10, 100, 240f, 20f)).Prepare(new DigitImageOptions { Polarity = InkPolarity.LightOnDark }));
        Assert.Equal(DigitImageError.NoInk, e.Error);
    }

    [Fact]
    public void The_ink_is_cropped_and_fitted_to_20_pixels_keeping_its_aspect_ratio()
    {
        // A bar 12 wide and 48 tall anywhere on a wide canvas becomes 5 wide and 20 tall.
        var canvas = new Canvas(300, 100, 255f);
        for (int y = 30; y < 78; y++)
            for (int x = 200; x < 212; x++) canvas.Planes[0][y * 300 + x] = 0;
        DigitImage bar = RenderedImage.Raw(canvas).Prepare();
        (int left, int top, int right, int bottom) = Box(bar.Pixels, 28, 127);
        Assert.Equal(20, bottom - top + 1);
        Assert.Equal(5, right - left + 1);

        // The same for another input size: the box is 20/28 of it.
        DigitImage tall = RenderedImage.Raw(canvas).Prepare(new DigitImageOptions { Height = 56, Width = 42 });
        Assert.Equal((56, 42), (tall.Height, tall.Width));
        (left, top, right, bottom) = Box(tall.Pixels, 42, 127);
        Assert.InRange(bottom - top + 1, 40, 41);
        Assert.InRange(right - left + 1, 10, 11);
    }

    [Fact]
    public void The_centre_of_mass_is_within_half_a_pixel_of_the_centre()
    {
        var random = new Random(7);
        for (int i = 0; i < 40; i++)
        {
            int size = random.Next(10, 300);
            DigitImage image = RenderedImage.Raw(Digit(i, 320, 320, random.Next(-5, 320 - size), random.Next(-5, 320 - size), size, 250f, 10f)).Prepare();
            float[] values = image.Pixels.ToArray().Select(p => (float)p).ToArray();
            (double x, double y) = MnistFraming.CentreOfMass(values, 28, 28);
            Assert.InRange(x, 13.5, 14.5);
            Assert.InRange(y, 13.5, 14.5);
            (int left, int top, int right, int bottom) = Box(image.Pixels, 28, 32);
            Assert.True(Math.Max(right - left, bottom - top) + 1 is >= 19 and <= 23, $"digit {i}: {left},{top}-{right},{bottom}");
        }
    }

    [Fact]
    public void Transparent_pixels_are_background()
    {
        DigitImage opaque = RenderedImage.Raw(Digit(5, 90, 90, 5, 5, 80, 255f, 0f)).Prepare();
        var strokes = new Canvas(90, 90, 0f, 0f, 0f, 0f);
        strokes.DrawDigit(MnistTestDigits.Image(5), 5, 5, 80, 0f, 0f, 0f, 255f);
        DigitImage transparent = RenderedImage.Encoded(strokes.ToPng()).Prepare();
        Assert.Equal(InkPolarity.DarkOnLight, transparent.Polarity);
        Assert.Equal(opaque.Pixels.ToArray(), transparent.Pixels.ToArray());

        // White strokes on transparent are light on dark.
        var white = new Canvas(90, 90, 255f, 255f, 255f, 0f);
        white.DrawDigit(MnistTestDigits.Image(5), 5, 5, 80, 255f, 255f, 255f, 255f);
        Assert.Equal(InkPolarity.LightOnDark, RenderedImage.Raw(white).Prepare().Polarity);
    }

    [Fact]
    public void Raw_buffers_with_a_stride_and_any_channel_order_agree()
    {
        Canvas colour = Digit(8, 60, 50, 0, 0, 50, 230f, 40f);
        byte[] grey = colour.ToBytes();
        DigitImage packed = DigitImage.FromPixels(grey, 60, 50, 60, PixelFormat.Grey8);
        var padded = new byte[64 * 50];
        var rgb = new byte[60 * 50 * 3];
        var rgba = new byte[60 * 50 * 4];
        var bgra = new byte[60 * 50 * 4];
        for (int y = 0; y < 50; y++)
        {
            for (int x = 0; x < 60; x++)
            {
                byte v = grey[y * 60 + x];
                int i = y * 60 + x;
                padded[y * 64 + x] = v;
                (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) = (v, v, v);
                (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (v, v, v, 255);
                (bgra[4 * i], bgra[4 * i + 1], bgra[4 * i + 2], bgra[4 * i + 3]) = (v, v, v, 255);
            }
        }
        Assert.Equal(packed.Pixels.ToArray(), DigitImage.FromPixels(padded, 60, 50, 64, PixelFormat.Grey8).Pixels.ToArray());
        Assert.Equal(packed.Pixels.ToArray(), DigitImage.FromPixels(rgb, 60, 50, 180, PixelFormat.Rgb24).Pixels.ToArray());
        Assert.Equal(packed.Pixels.ToArray(), DigitImage.FromPixels(rgba, 60, 50, 240, PixelFormat.Rgba32).Pixels.ToArray());
        Assert.Equal(packed.Pixels.ToArray(), DigitImage.FromPixels(bgra, 60, 50, 240, PixelFormat.Bgra32).Pixels.ToArray());
        // The last row needs no padding after it.
        Assert.Equal(packed.Pixels.ToArray(), DigitImage.FromPixels(padded.AsSpan(0, 64 * 49 + 60), 60, 50, 64, PixelFormat.Grey8).Pixels.ToArray());
    }

    [Fact]
    public void Red_and_blue_are_weighted_as_the_decoder_weighs_them()
    {
        var blue = new Canvas(40, 40, 255f, 255f, 255f);
        blue.DrawDigit(MnistTestDigits.Image(2), 0, 0, 40, 0f, 0f, 255f);
        byte[] bgr = blue.ToBytes();
        var bgra = new byte[40 * 40 * 4];
        for (int i = 0; i < 40 * 40; i++) (bgra[4 * i], bgra[4 * i + 1], bgra[4 * i + 2], bgra[4 * i + 3]) = (bgr[3 * i + 2], bgr[3 * i + 1], bgr[3 * i], 255);
        Assert.Equal(RenderedImage.Encoded(blue.ToPng()).Prepare().Pixels.ToArray(), DigitImage.FromPixels(bgra, 40, 40, 160, PixelFormat.Bgra32).Pixels.ToArray());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(20)]
    public void Images_smaller_than_the_input_are_enlarged(int side)
    {
        DigitImage small = RenderedImage.Encoded(Digit(0, side, side, 0, 0, side, 255f, 0f).ToPng()).Prepare();
        (int left, int top, int right, int bottom) = Box(small.Pixels, 28, 32);
        Assert.InRange(Math.Max(right - left, bottom - top) + 1, 20, 22);
    }

    [Fact]
    public void A_grey_paper_and_its_shading_are_background()
    {
        var canvas = Digit(4, 200, 200, 60, 50, 90, 150f, 40f);
        canvas.Shade(new Random(2), 15);
        canvas.AddNoise(new Random(2), 3);
        DigitImage image = RenderedImage.Raw(canvas).Prepare();
        Assert.Equal(0, image.Pixels[0]);
        Assert.True(image.Pixels.ToArray().Count(p => p is > 0 and < 40) < 60, "a haze of background");
    }

    [Fact]
    public void The_whole_image_framing_pads_to_a_square_and_averages_areas()
    {
        // 56 wide, 28 high, all white: padded with black to 56x56 and halved, rows 7 to 20 white.
        var wide = new Canvas(56, 28, 255f);
        var whole = new DigitImageOptions { Framing = DigitFraming.WholeImage, Polarity = InkPolarity.LightOnDark };
        DigitImage image = RenderedImage.Raw(wide).Prepare(whole);
        for (int y = 0; y < 28; y++) Assert.Equal(y is >= 7 and < 21 ? 255 : 0, image.Pixels[y * 28 + 3]);

        // 2x2 blocks average back to the MNIST digit; dark on light is flipped.
        byte[] digit = MnistTestDigits.Image(0);
        var doubled = new Canvas(56, 56, 0f);
        for (int i = 0; i < 56 * 56; i++) doubled.Planes[0][i] = 255 - digit[i / 56 / 2 * 28 + i % 56 / 2];
        DigitImage flipped = RenderedImage.Raw(doubled).Prepare(whole with { Polarity = InkPolarity.Auto });
        Assert.Equal(InkPolarity.DarkOnLight, flipped.Polarity);
        Assert.Equal(digit, flipped.Pixels.ToArray());
    }

    [Fact]
    public void Normalize_applies_the_networks_input_scaling()
    {
        DigitImage image = RenderedImage.Raw(Digit(6, 64, 64, 0, 0, 64, 255f, 0f)).Prepare();
        var expected = new float[28 * 28];
        InputScaling.Paper.Scale(image.Pixels, expected);
        Assert.Equal(expected, image.Normalize(InputScaling.Paper));
        var destination = new float[28 * 28];
        image.Normalize(InputScaling.Standardized, destination);
        Assert.Equal(MnistPreprocessing.Normalize(image.Pixels[0]), destination[0]);
    }

    [Fact]
    public void SavePng_writes_what_the_network_sees()
    {
        DigitImage image = RenderedImage.Raw(Digit(9, 64, 64, 0, 0, 64, 255f, 0f)).Prepare();
        string folder = Directory.CreateTempSubdirectory("lenet5-imaging-").FullName;
        try
        {
            string path = Path.Combine(folder, "seen.png");
            image.SavePng(path);
            image.SavePng(path);
            Assert.Equal(["seen.png"], Directory.GetFiles(folder).Select(Path.GetFileName));
            DigitImage again = DigitImage.Load(path, new DigitImageOptions { Framing = DigitFraming.WholeImage, Polarity = InkPolarity.LightOnDark });
            Assert.Equal(image.Pixels.ToArray(), again.Pixels.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
