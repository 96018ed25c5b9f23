namespace LeNet5.Imaging;

/// <summary>How the digit is placed in the network's input.</summary>
public enum DigitFraming
{
    /// <summary>
    /// As MNIST's digits were made: cropped to the ink, scaled to fit a box of 20/28 of the input keeping the aspect
    /// ratio (area averaging when shrinking, bilinear when enlarging), then moved so that the ink's centre of mass is at
    /// the centre; background 0, ink 255.
    /// </summary>
    Mnist,

    /// <summary>
    /// The whole image, padded to a square with background and scaled to the input size by area averaging; only
    /// flipped when it is dark on light. For images that are already in MNIST form.
    /// </summary>
    WholeImage,
}
