using LeNet5.Runtime;
using StbImageWriteSharp;

namespace LeNet5.Imaging;

/// <summary>
/// An image of a handwritten digit prepared as the network's input, exactly as MNIST's digits were made: the ink found
/// (either polarity, alpha composited onto the background), cropped to its bounding box, scaled to fit 20x20 keeping the
/// aspect ratio with anti-aliasing, and placed in 28x28 with its centre of mass at the centre; ink 255, background 0.
/// </summary>
/// <remarks>
/// Create one with <see cref="Load(string, DigitImageOptions?)"/>, <see cref="Load(Stream, DigitImageOptions?)"/>,
/// <see cref="Decode(ReadOnlySpan{byte}, DigitImageOptions?)"/> or <see cref="FromPixels"/>. Every problem with the
/// image is a <see cref="DigitImageException"/> whose message names the image; sizes are checked against the limits of
/// <see cref="DigitImageOptions"/> before any pixel is allocated.
/// </remarks>
public sealed class DigitImage
{
    private readonly byte[] _pixels;

    private DigitImage(byte[] pixels, int width, int height, InkPolarity polarity)
    {
        _pixels = pixels;
        Width = width;
        Height = height;
        Polarity = polarity;
    }

    /// <summary>Columns, <see cref="DigitImageOptions.Width"/>.</summary>
    public int Width { get; }

    /// <summary>Rows, <see cref="DigitImageOptions.Height"/>.</summary>
    public int Height { get; }

    /// <summary>The polarity of the source image: the one given, or the one found.</summary>
    public InkPolarity Polarity { get; }

    /// <summary><see cref="Height"/> x <see cref="Width"/> bytes, row-major: 0 background, 255 ink, like MNIST.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Reads and prepares an image file (PNG, JPEG, BMP or GIF).</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to prepare it; null for <see cref="DigitImageOptions.Default"/>.</param>
    /// <exception cref="DigitImageException">The file is missing, a folder, unreadable, too large, not an image, or blank.</exception>
    public static DigitImage Load(string path, DigitImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options = Checked(options);
        return Prepare(path, ImageDecoder.ReadFile(path, options), options);
    }

    /// <summary>Reads and prepares an encoded image from a stream, up to <see cref="DigitImageOptions.MaxEncodedBytes"/>.</summary>
    /// <param name="stream">The encoded image; read from its position to its end.</param>
    /// <param name="options">How to prepare it; null for <see cref="DigitImageOptions.Default"/>.</param>
    /// <exception cref="DigitImageException">The stream is unreadable, too large, not an image, or blank.</exception>
    public static DigitImage Load(Stream stream, DigitImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options = Checked(options);
        string name = stream is FileStream file ? file.Name : "image stream";
        return Prepare(name, ImageDecoder.ReadStream(name, stream, options), options);
    }

    /// <summary>Prepares an encoded image held in memory (the bytes of a PNG, JPEG, BMP or GIF file).</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="options">How to prepare it; null for <see cref="DigitImageOptions.Default"/>.</param>
    /// <exception cref="DigitImageException">The bytes are too many, not an image, or a blank image.</exception>
    public static DigitImage Decode(ReadOnlySpan<byte> encoded, DigitImageOptions? options = null)
    {
        options = Checked(options);
        const string name = "encoded image";
        return Prepare(name, ImageDecoder.Decode(name, encoded, options), options);
    }

    /// <summary>Prepares raw pixels, for example a camera frame or a drawing surface.</summary>
    /// <param name="pixels">At least <c>stride * (height - 1) + width * bytesPerPixel</c> bytes, row-major from the top.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="stride">Bytes from the start of one row to the next, at least <c>width * bytesPerPixel</c>.</param>
    /// <param name="format">The layout of one pixel.</param>
    /// <param name="options">How to prepare it; null for <see cref="DigitImageOptions.Default"/>.</param>
    /// <exception cref="DigitImageException">The buffer does not match its size, is too large, or is blank.</exception>
    public static DigitImage FromPixels(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format, DigitImageOptions? options = null)
    {
        options = Checked(options);
        const string name = "pixel buffer";
        int bytesPerPixel = GreyConversion.BytesPerPixel(format);
        ImageSize.Check(name, width, height, options);
        long rowBytes = (long)width * bytesPerPixel;
        if (stride < rowBytes)
            throw new DigitImageException(name, DigitImageError.InvalidPixelBuffer, $"the stride {stride} is less than a row of {width} {format} pixels ({rowBytes} bytes)");
        long needed = (long)stride * (height - 1) + rowBytes;
        if (pixels.Length < needed)
            throw new DigitImageException(name, DigitImageError.InvalidPixelBuffer, $"{width}x{height} {format} pixels with stride {stride} need {needed:N0} bytes, not {pixels.Length:N0}");
        return Prepare(name, GreyConversion.ToGrey(pixels, width, height, stride, format, options.Polarity), options);
    }

    /// <summary>The network's input: every pixel through <paramref name="scaling"/> (background 0, ink 255).</summary>
    /// <param name="scaling">The network's <c>InputScaling</c>, for example <c>LeNet5Network.Description.InputScaling</c>.</param>
    public float[] Normalize(InputScaling scaling)
    {
        var input = new float[_pixels.Length];
        scaling.Scale(_pixels, input);
        return input;
    }

    /// <summary>Writes the network's input, every pixel through <paramref name="scaling"/>, into <paramref name="destination"/>.</summary>
    /// <param name="scaling">The network's <c>InputScaling</c>.</param>
    /// <param name="destination">At least <see cref="Width"/> x <see cref="Height"/> floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void Normalize(InputScaling scaling, Span<float> destination) => scaling.Scale(_pixels, destination);

    /// <summary>
    /// Writes the prepared image as a grey PNG, what the network sees. The file is written beside its final path and
    /// then renamed, so a reader never sees half of it.
    /// </summary>
    /// <param name="path">The PNG file; its folder must exist.</param>
    public void SavePng(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = File.Create(temporary))
            {
                new ImageWriter().WritePng(_pixels, Width, Height, ColorComponents.Grey, file);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static DigitImageOptions Checked(DigitImageOptions? options)
    {
        options ??= DigitImageOptions.Default;
        options.Validate();
        return options;
    }

    private static DigitImage Prepare(string name, GreyImage image, DigitImageOptions options)
    {
        if (options.Framing == DigitFraming.WholeImage)
        {
            InkPolarity polarity = InkLevels.MeasurePolarity(image, options.Polarity);
            return new DigitImage(WholeImageFraming.Frame(image, polarity, options.Height, options.Width), options.Width, options.Height, polarity);
        }
        InkLevels levels = InkLevels.Measure(image, options.Polarity) ?? throw NoInk(name);
        InkBounds ink = InkBounds.Find(image, levels) ?? throw NoInk(name);
        return new DigitImage(MnistFraming.Frame(image, levels, ink, options.Height, options.Width), options.Width, options.Height, levels.Polarity);
    }

    private static DigitImageException NoInk(string name) =>
        new(name, DigitImageError.NoInk, "no digit found: the image is blank (uniform, or only faint noise)");
}
