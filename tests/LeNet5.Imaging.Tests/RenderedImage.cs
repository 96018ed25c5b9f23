namespace LeNet5.Imaging.Tests;

/// <summary>A rendered test image, encoded (PNG, JPEG, BMP) or as raw pixels, and how it is prepared.</summary>
internal sealed record RenderedImage(byte[] Bytes, int Width, int Height, PixelFormat? Format)
{
    public static RenderedImage Encoded(byte[] file) => new(file, 0, 0, null);

    public static RenderedImage Raw(Canvas canvas) => new(canvas.ToBytes(), canvas.Width, canvas.Height,
        canvas.Planes.Length switch { 1 => PixelFormat.Grey8, 3 => PixelFormat.Rgb24, _ => PixelFormat.Rgba32 });

    public DigitImage Prepare(DigitImageOptions? options = null) => Format is { } format
        ? DigitImage.FromPixels(Bytes, Width, Height, Width * GreyConversion.BytesPerPixel(format), format, options)
        : DigitImage.Decode(Bytes, options);
}
