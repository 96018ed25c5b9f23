namespace LeNet5.Imaging;

/// <summary>An opaque grey image, one byte per pixel, row-major without padding.</summary>
internal sealed class GreyImage(byte[] pixels, int width, int height)
{
    public byte[] Pixels { get; } = pixels;

    public int Width { get; } = width;

    public int Height { get; } = height;

    public ReadOnlySpan<byte> Row(int y) => Pixels.AsSpan(y * Width, Width);
}
