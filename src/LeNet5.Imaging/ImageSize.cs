namespace LeNet5.Imaging;

/// <summary>The size limits of <see cref="DigitImageOptions"/>, checked in 64-bit arithmetic before any pixel is allocated.</summary>
internal static class ImageSize
{
    public static void Check(string name, int width, int height, DigitImageOptions options)
    {
        if (width < 1 || height < 1)
            throw new DigitImageException(name, DigitImageError.NotAnImage, $"the image is {width}x{height} pixels: it has no pixels");
        long pixels = (long)width * height;
        if (width > options.MaxSide || height > options.MaxSide || pixels > options.MaxPixels)
        {
            throw new DigitImageException(name, DigitImageError.TooLarge,
                $"the image is {width}x{height} pixels; the limit is {options.MaxSide:N0} per side and {options.MaxPixels:N0} in all");
        }
    }
}
