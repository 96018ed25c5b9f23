namespace LeNet5.Imaging;

/// <summary>What is wrong with an image that could not be prepared (see <see cref="DigitImageException.Error"/>).</summary>
public enum DigitImageError
{
    /// <summary>There is no file at the path.</summary>
    NotFound,

    /// <summary>The path is a folder.</summary>
    IsFolder,

    /// <summary>The file or stream exists but cannot be read.</summary>
    Unreadable,

    /// <summary>The image is larger than the limits of <see cref="DigitImageOptions"/> (encoded bytes or pixels).</summary>
    TooLarge,

    /// <summary>The bytes are not a PNG, JPEG, BMP or GIF image the decoder can read.</summary>
    NotAnImage,

    /// <summary>A raw pixel buffer does not match its width, height, stride and format.</summary>
    InvalidPixelBuffer,

    /// <summary>The image holds no digit: it is uniform or only faint noise.</summary>
    NoInk,
}
