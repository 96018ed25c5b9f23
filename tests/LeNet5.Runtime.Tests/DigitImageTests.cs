using LeNet5.Runtime;
using LeNet5.Cli;

namespace LeNet5.Runtime.Tests;

public sealed class DigitImageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Area_resize_averages_whole_blocks()
    {
        // 4x4 -> 2x2: each output pixel is the mean of a 2x2 block.
        float[] source = [1, 3, 10, 10, 5, 7, 10, 10, 0, 0, 2, 2, 0, 4, 2, 2];
        Assert.Equal(new float[] { 4, 10, 1, 2 }, DigitImage.AreaResize(source, 4, 4, 2, 2));
    }

    [Fact]
    public void Area_resize_weights_partial_cells_and_keeps_the_mean()
    {
        // 3 -> 2 in one dimension: output 0 covers source [0, 1.5): (a + b/2) / 1.5.
        float[] source = [3, 6, 9];
        float[] result = DigitImage.AreaResize(source, 1, 3, 1, 2);
        Assert.Equal((3 + 6 / 2f) / 1.5f, result[0], 5);
        Assert.Equal((6 / 2f + 9) / 1.5f, result[1], 5);

        var random = new Random(4);
        float[] image = Enumerable.Range(0, 45 * 45).Select(_ => (float)random.Next(256)).ToArray();
        float[] scaled = DigitImage.AreaResize(image, 45, 45, 28, 28);
        Assert.Equal(image.Average(), scaled.Average(), 2);
    }

    [Fact]
    public void Non_square_images_are_padded_with_background_and_centred()
    {
        // 56 wide, 28 high, all white: padded to 56x56 with black, scaled to 28x28 -> rows 7..20 white, the rest black.
        string path = _temp.File("wide.png");
        PngWriter.Write(path, 56, 28, Enumerable.Repeat((byte)255, 56 * 28).ToArray(), 1);
        float[] pixels = DigitImage.Load(path, 28, 28, invert: false);
        float white = MnistPreprocessing.Normalize(255), black = MnistPreprocessing.Normalize(0);
        for (int y = 0; y < 28; y++)
        {
            float expected = y is >= 7 and < 21 ? white : black;
            Assert.Equal(expected, pixels[y * 28 + 3], 4);
        }
    }

    [Fact]
    public void Colour_is_converted_to_grey_and_invert_flips_it()
    {
        string path = _temp.File("colour.png");
        byte[] rgb = new byte[28 * 28 * 3];
        for (int i = 0; i < 28 * 28; i++) (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) = (200, 200, 200);
        PngWriter.Write(path, 28, 28, rgb, 3);
        Assert.All(DigitImage.Load(path, 28, 28, invert: false), v => Assert.Equal(MnistPreprocessing.Normalize(200), v, 2));
        Assert.All(DigitImage.Load(path, 28, 28, invert: true), v => Assert.Equal(MnistPreprocessing.Normalize(55), v, 2));
    }

    [Fact]
    public void Transparent_pixels_are_background()
    {
        // RGBA: left half opaque black strokes, right half fully transparent. With --invert (dark on light) the
        // transparent half is light background, i.e. black after inversion, like the paper around a pencil digit.
        string path = _temp.File("alpha.png");
        byte[] rgba = new byte[28 * 28 * 4];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                rgba[(y * 28 + x) * 4 + 3] = x < 14 ? (byte)255 : (byte)0;
        PngWriter.Write(path, 28, 28, rgba, 4);
        float[] inverted = DigitImage.Load(path, 28, 28, invert: true);
        Assert.Equal(MnistPreprocessing.Normalize(255), inverted[5], 4); // black stroke -> white digit
        Assert.Equal(MnistPreprocessing.Normalize(0), inverted[20], 4);  // transparent -> background
        float[] plain = DigitImage.Load(path, 28, 28, invert: false);
        Assert.Equal(MnistPreprocessing.Normalize(0), plain[20], 4);
    }
}
