using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LeNet5.Model;

/// <summary>
/// Classifies handwritten digits with LeNet-5 (compiled from architecture.json) and the trained weights embedded in
/// this assembly: no files, no native code, no reflection, and no allocation per call. Every member is thread-safe.
/// </summary>
/// <remarks>
/// Images are 28x28, row-major (row 0 at the top), in the MNIST convention: a white digit (255) on a black background
/// (0), centred by its centre of mass, about 20x20 pixels. Give them as bytes 0..255, or as floats already normalised
/// like the training data: <c>((pixel / 255) - 0.1307) / 0.3081</c> (see <see cref="Normalize"/>).
/// A digit-shaped front of <see cref="LeNet5Classifier.Embedded"/>, the classifier generated for the network.
/// </remarks>
public static class DigitClassifier
{
    /// <summary>Rows and columns of an image.</summary>
    public const int ImageSize = LeNet5Network.InputHeight;

    /// <summary>Pixels of one image, 784.</summary>
    public const int PixelCount = LeNet5Network.InputSize;

    /// <summary>Number of classes, the digits 0 to 9.</summary>
    public const int DigitCount = LeNet5Network.ClassCount;

    /// <summary>The trained parameters in PyTorch <c>state_dict</c> layout (see <see cref="LeNet5.Runtime.NetworkDescription.ParameterTensors"/> of <see cref="LeNet5Network.Description"/>), read in place from the assembly.</summary>
    public static ReadOnlySpan<float> Parameters => LeNet5Classifier.Embedded.Parameters;

    /// <summary>Classifies one image given as bytes, 0 (background) to 255 (ink).</summary>
    /// <param name="pixels">784 bytes, row-major.</param>
    /// <returns>The digit and the ten probabilities.</returns>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold 784 bytes.</exception>
    public static DigitPrediction Classify(ReadOnlySpan<byte> pixels) => new(LeNet5Classifier.Embedded.Classify(pixels));

    /// <summary>Classifies one image given as normalised floats (see <see cref="Normalize"/>).</summary>
    /// <param name="normalizedPixels">784 floats, row-major.</param>
    /// <returns>The digit and the ten probabilities.</returns>
    /// <exception cref="ArgumentException"><paramref name="normalizedPixels"/> does not hold 784 floats.</exception>
    public static DigitPrediction Classify(ReadOnlySpan<float> normalizedPixels) => new(LeNet5Classifier.Embedded.Classify(normalizedPixels));

    /// <summary>
    /// Classifies an image file (PNG, JPEG, BMP or GIF; any size; dark on light or light on dark), prepared as MNIST's
    /// digits were made: cropped to the ink, fitted into 20x20 keeping its aspect, centred by mass in 28x28.
    /// </summary>
    /// <param name="path">The image file.</param>
    /// <exception cref="LeNet5.Imaging.DigitImageException">The file cannot be read, is not an image, is too large or holds no ink.</exception>
    public static DigitPrediction Classify(string path) => new(LeNet5Classifier.Embedded.Classify(path));

    /// <summary>Classifies consecutive images given as bytes, writing one prediction per image.</summary>
    /// <param name="images"><c>n * 784</c> bytes: image i at <c>i * 784</c>.</param>
    /// <param name="predictions">Exactly <c>n</c> predictions, written.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void Classify(ReadOnlySpan<byte> images, Span<DigitPrediction> predictions)
        => LeNet5Classifier.Embedded.Classify(images, AsNetworkPredictions(predictions));

    /// <summary>Classifies consecutive images given as normalised floats, writing one prediction per image.</summary>
    /// <param name="normalizedImages"><c>n * 784</c> floats: image i at <c>i * 784</c>.</param>
    /// <param name="predictions">Exactly <c>n</c> predictions, written.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void Classify(ReadOnlySpan<float> normalizedImages, Span<DigitPrediction> predictions)
        => LeNet5Classifier.Embedded.Classify(normalizedImages, AsNetworkPredictions(predictions));

    /// <summary>
    /// Normalises bytes as the training data was: <c>((pixel / 255) - 0.1307) / 0.3081</c> (PyTorch's
    /// <c>ToTensor()</c> then <c>Normalize((0.1307,), (0.3081,))</c>, the scaling architecture.json declares).
    /// </summary>
    /// <param name="pixels">Bytes 0..255.</param>
    /// <param name="destination">As many floats as <paramref name="pixels"/>, written.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="pixels"/>.</exception>
    public static void Normalize(ReadOnlySpan<byte> pixels, Span<float> destination) => LeNet5Classifier.Normalize(pixels, destination);

    // A DigitPrediction is exactly one LeNet5Prediction (its only field), so the caller's span can be written as one.
    private static Span<LeNet5Prediction> AsNetworkPredictions(Span<DigitPrediction> predictions)
        => MemoryMarshal.CreateSpan(ref Unsafe.As<DigitPrediction, LeNet5Prediction>(ref MemoryMarshal.GetReference(predictions)), predictions.Length);
}
