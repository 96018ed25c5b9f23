namespace LeNet5.Imaging;

/// <summary>How <see cref="DigitImage"/> prepares an image, and the largest image it accepts.</summary>
public sealed record DigitImageOptions
{
    /// <summary>The defaults: MNIST's 28x28, polarity found from the image, the limits below.</summary>
    public static DigitImageOptions Default { get; } = new();

    /// <summary>Rows of the prepared image [default: 28]. The digit is fitted into 20/28 of it.</summary>
    public int Height { get; init; } = 28;

    /// <summary>Columns of the prepared image [default: 28]. The digit is fitted into 20/28 of it.</summary>
    public int Width { get; init; } = 28;

    /// <summary>Which way round the digit is drawn [default: found from the image].</summary>
    public InkPolarity Polarity { get; init; } = InkPolarity.Auto;

    /// <summary>How the digit is placed [default: as MNIST's digits were made].</summary>
    public DigitFraming Framing { get; init; } = DigitFraming.Mnist;

    /// <summary>The most pixels an image may have [default: 16,777,216, 4096x4096]; checked before decoding.</summary>
    public long MaxPixels { get; init; } = 16_777_216;

    /// <summary>The longest side an image may have [default: 16,384]; checked before decoding.</summary>
    public int MaxSide { get; init; } = 16_384;

    /// <summary>The most bytes an encoded image (file, stream or buffer) may have [default: 64 MiB].</summary>
    public long MaxEncodedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The largest prepared image, per side.</summary>
    public const int MaxOutputSide = 1024;

    /// <summary>The highest <see cref="MaxPixels"/>: the decoder sizes its four-byte-per-pixel buffers with 32-bit integers.</summary>
    public const long LargestMaxPixels = int.MaxValue / 4;

    /// <summary>The highest <see cref="MaxSide"/>, the decoder's own limit.</summary>
    public const int LargestMaxSide = 1 << 24;

    /// <exception cref="ArgumentOutOfRangeException">A size or limit is out of range.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 2, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 2, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Height, MaxOutputSide, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Width, MaxOutputSide, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPixels, 1, nameof(MaxPixels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPixels, LargestMaxPixels, nameof(MaxPixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSide, 1, nameof(MaxSide));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSide, LargestMaxSide, nameof(MaxSide));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEncodedBytes, 1, nameof(MaxEncodedBytes));
        if (!Enum.IsDefined(Polarity)) throw new ArgumentOutOfRangeException(nameof(Polarity), Polarity, "unknown polarity");
        if (!Enum.IsDefined(Framing)) throw new ArgumentOutOfRangeException(nameof(Framing), Framing, "unknown framing");
    }
}
