namespace LeNet5.Imaging;

/// <summary>Which way round the digit is drawn.</summary>
public enum InkPolarity
{
    /// <summary>Found from the image: the border gives the background, the ink is what stands out from it.</summary>
    Auto,

    /// <summary>A light digit on a dark background, like MNIST itself or chalk on a board.</summary>
    LightOnDark,

    /// <summary>A dark digit on a light background, like pen on paper.</summary>
    DarkOnLight,
}
