namespace LeNet5.Imaging;

/// <summary>The layout of one pixel in a raw pixel buffer (8 bits per channel).</summary>
public enum PixelFormat
{
    /// <summary>One byte: grey.</summary>
    Grey8,

    /// <summary>Two bytes: grey, then alpha.</summary>
    GreyAlpha16,

    /// <summary>Three bytes: red, green, blue.</summary>
    Rgb24,

    /// <summary>Four bytes: red, green, blue, alpha.</summary>
    Rgba32,

    /// <summary>Four bytes: blue, green, red, alpha (the order of Windows bitmaps and many GPU surfaces).</summary>
    Bgra32,
}
