namespace LeNet5.Imaging.Tests;

/// <summary>Every failure is a <see cref="DigitImageException"/> with one printable line naming the image.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-imaging-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Each_kind_of_bad_file_has_its_error_and_message()
    {
        byte[] digit = new Canvas(40, 40, 255f).Also(c => c.DrawDigit(MnistTestDigits.Image(0), 0, 0, 40, 0f)).ToPng();
        string missing = Path.Combine(_folder, "missing.png");
        (string Path, DigitImageError Error, string Message)[] cases =
        [
            (missing, DigitImageError.NotFound, "file not found"),
            (Path.Combine(_folder, "no-folder", "x.png"), DigitImageError.NotFound, "file not found"),
            (_folder, DigitImageError.IsFolder, "is a folder, not an image"),
            (File("empty.png", []), DigitImageError.NotAnImage, "not an image: the file is empty"),
            (File("text.png", "hello, this is not an image"u8.ToArray()), DigitImageError.NotAnImage, "not a PNG, JPEG, BMP or GIF image (or a damaged one)"),
            (File("truncated.png", digit[..60]), DigitImageError.NotAnImage, "not a"),
            (File("blank.png", new Canvas(50, 30, 200f).ToPng()), DigitImageError.NoInk, "no digit found: the image is blank (uniform, or only faint noise)"),
        ];
        foreach ((string path, DigitImageError error, string message) in cases)
        {
            var e = Assert.Throws<DigitImageException>(() => DigitImage.Load(path));
            Assert.Equal(error, e.Error);
            Assert.Equal(path, e.ImageName);
            Assert.StartsWith($"{path}: {message}", e.Message);
            AssertOneCleanLine(e.Message);
        }
    }

    [Fact]
    public void Truncated_and_corrupt_files_give_clean_messages()
    {
        byte[] jpeg = new Canvas(64, 64, 255f).Also(c => c.DrawDigit(MnistTestDigits.Image(1), 0, 0, 64, 0f)).ToJpeg(80);
        byte[] png = new Canvas(64, 64, 255f).Also(c => c.DrawDigit(MnistTestDigits.Image(1), 0, 0, 64, 0f)).ToPng();
        foreach (byte[] file in (byte[][])[jpeg[..(jpeg.Length / 2)], png[..(png.Length / 2)], png[..40], [.. png[..33], .. new byte[200]]])
        {
            try
            {
                DigitImage.Decode(file);
            }
            catch (DigitImageException e)
            {
                AssertOneCleanLine(e.Message);
                Assert.StartsWith("encoded image: ", e.Message);
            }
        }
    }

    [Fact]
    public void Noise_and_faint_shading_are_no_ink()
    {
        var noisy = new Canvas(200, 150, 128f);
        noisy.AddNoise(new Random(3), 15);
        var shaded = new Canvas(300, 300, 180f);
        shaded.Shade(new Random(4), 6);
        foreach (Canvas canvas in (Canvas[])[noisy, shaded, new Canvas(1, 1, 0f)])
            Assert.Equal(DigitImageError.NoInk, Assert.Throws<DigitImageException>(() => RenderedImage.Raw(canvas).Prepare()).Error);
    }

    [Fact]
    public void Raw_buffers_that_do_not_match_their_size_are_refused()
    {
        (Func<DigitImage> Prepare, string Message)[] cases =
        [
            (() => DigitImage.FromPixels(new byte[100], 10, 10, 9, PixelFormat.Grey8), "pixel buffer: the stride 9 is less than a row of 10 Grey8 pixels (10 bytes)"),
            (() => DigitImage.FromPixels(new byte[100], 10, 10, 40, PixelFormat.Rgba32), "pixel buffer: 10x10 Rgba32 pixels with stride 40 need 400 bytes, not 100"),
            (() => DigitImage.FromPixels(new byte[100], 0, 10, 10, PixelFormat.Grey8), "pixel buffer: the image is 0x10 pixels: it has no pixels"),
        ];
        foreach ((Func<DigitImage> prepare, string message) in cases)
            Assert.Equal(message, Assert.Throws<DigitImageException>(prepare).Message);
    }

    private static void AssertOneCleanLine(string message)
    {
        Assert.DoesNotContain(message, char.IsControl);
        Assert.DoesNotContain("Exception", message);
    }
}

internal static class CanvasExtensions
{
    public static Canvas Also(this Canvas canvas, Action<Canvas> draw)
    {
        draw(canvas);
        return canvas;
    }
}
