namespace LeNet5.Imaging.Tests;

/// <summary>
/// MNIST test digits re-rendered as people's images. Each rendering draws the digit's 28x28 frame enlarged to
/// <c>size</c> pixels (so the digit itself is about 20/28 of it) somewhere on a canvas.
/// </summary>
internal static class Renderings
{
    public static IReadOnlyList<(string Name, Func<byte[], Random, RenderedImage> Render)> All { get; } =
    [
        ("MNIST 28x28 as a PNG", (digit, _) => RenderedImage.Encoded(Exact(digit).ToPng())),
        ("280x280 pen on white, digit anywhere", PenOnWhite),
        ("chalk on a shaded board, 400-1000 px", ChalkOnBoard),
        ("blue ink on yellow paper, RGB PNG", BlueOnYellow),
        ("blurred and noisy, 200 px", BlurredAndNoisy),
        ("grey phone photo, JPEG quality 60", PhonePhoto),
        ("tight non-square crop", TightCrop),
        ("16x16 image", (digit, random) => Small(digit, 16)),
        ("20x20 image", (digit, random) => Small(digit, 20)),
        ("faint pencil on grey paper", FaintPencil),
        ("black strokes on transparent, RGBA PNG", Transparent),
        ("white on black BMP, 100-500 px", WhiteOnBlackBmp),
    ];

    private static Canvas Exact(byte[] digit)
    {
        var canvas = new Canvas(28, 28, 0f);
        for (int i = 0; i < digit.Length; i++) canvas.Planes[0][i] = digit[i];
        return canvas;
    }

    /// <summary>A canvas with the digit's frame at a random place, its ink inside the canvas.</summary>
    private static Canvas Place(byte[] digit, Random random, int width, int height, int size, float[] paper, float[] ink)
    {
        var canvas = new Canvas(width, height, paper);
        int overhang = size * 3 / 28; // MNIST leaves at least 4 of 28 pixels around the ink.
        int left = random.Next(-overhang, Math.Max(-overhang, width - size + overhang) + 1);
        int top = random.Next(-overhang, Math.Max(-overhang, height - size + overhang) + 1);
        canvas.DrawDigit(digit, left, top, size, ink);
        return canvas;
    }

    private static RenderedImage PenOnWhite(byte[] digit, Random random) =>
        RenderedImage.Encoded(Place(digit, random, 280, 280, random.Next(112, 281), [255f], [0f]).ToPng());

    private static RenderedImage ChalkOnBoard(byte[] digit, Random random)
    {
        int width = random.Next(400, 1001), height = random.Next(400, 1001);
        int size = random.Next(Math.Min(width, height) / 4, Math.Min(width, height) + 1);
        Canvas canvas = Place(digit, random, width, height, size, [50f], [215f]);
        canvas.Shade(random, 35);
        canvas.AddNoise(random, 6);
        return RenderedImage.Raw(canvas);
    }

    private static RenderedImage BlueOnYellow(byte[] digit, Random random)
    {
        int side = random.Next(64, 201);
        return RenderedImage.Encoded(Place(digit, random, side, side, random.Next(side / 2, side + 1), [245f, 225f, 70f], [30f, 45f, 170f]).ToPng());
    }

    private static RenderedImage BlurredAndNoisy(byte[] digit, Random random)
    {
        int size = random.Next(100, 201);
        Canvas canvas = Place(digit, random, 200, 200, size, [235f], [25f]);
        canvas.Blur(size / 50);
        canvas.AddNoise(random, 18);
        return RenderedImage.Raw(canvas);
    }

    private static RenderedImage PhonePhoto(byte[] digit, Random random)
    {
        int width = random.Next(160, 481), height = random.Next(120, 361);
        Canvas canvas = Place(digit, random, width, height, random.Next(Math.Min(width, height) / 3, Math.Min(width, height) + 1), [165f], [55f]);
        canvas.Shade(random, 20);
        canvas.Blur(1);
        canvas.AddNoise(random, 4);
        return RenderedImage.Encoded(canvas.ToJpeg(60));
    }

    /// <summary>Cut to the pixels darker than mid-grey: no margin, not square.</summary>
    private static RenderedImage TightCrop(byte[] digit, Random random)
    {
        int size = random.Next(56, 197);
        var canvas = new Canvas(size, size, 255f);
        canvas.DrawDigit(digit, 0, 0, size, 0f);
        float[] grey = canvas.Planes[0];
        int left = size, top = size, right = -1, bottom = -1;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                if (grey[y * size + x] >= 128) continue;
                (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
            }
        }
        return RenderedImage.Encoded(canvas.Crop(left, top, right - left + 1, bottom - top + 1).ToPng());
    }

    private static RenderedImage Small(byte[] digit, int side)
    {
        var canvas = new Canvas(side, side, 255f);
        canvas.DrawDigit(digit, 0, 0, side, 0f);
        return RenderedImage.Encoded(canvas.ToPng());
    }

    private static RenderedImage FaintPencil(byte[] digit, Random random)
    {
        Canvas canvas = Place(digit, random, 150, 150, random.Next(60, 151), [185f], [115f]);
        canvas.AddNoise(random, 3);
        return RenderedImage.Raw(canvas);
    }

    private static RenderedImage Transparent(byte[] digit, Random random) =>
        RenderedImage.Encoded(Place(digit, random, 120, 120, random.Next(60, 121), [0f, 0f, 0f, 0f], [0f, 0f, 0f, 255f]).ToPng());

    private static RenderedImage WhiteOnBlackBmp(byte[] digit, Random random)
    {
        int side = random.Next(100, 501);
        return RenderedImage.Encoded(Place(digit, random, side, side, random.Next(side / 3, side + 1), [0f, 0f, 0f], [255f, 255f, 255f]).ToBmp());
    }
}
