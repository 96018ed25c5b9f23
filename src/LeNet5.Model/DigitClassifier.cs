using System.Runtime.CompilerServices;
using LeNet5.Runtime;

namespace LeNet5.Model;

/// <summary>
/// Classifies handwritten digits with LeNet-5 (compiled from architecture.json) and the trained weights embedded in
/// this assembly: no files, no native code, no reflection, and no allocation per call. Every member is thread-safe.
/// </summary>
/// <remarks>
/// Images are 28x28, row-major (row 0 at the top), in the MNIST convention: a white digit (255) on a black background
/// (0), centred by its centre of mass, about 20x20 pixels. Give them as bytes 0..255, or as floats already normalised
/// like the training data: <c>((pixel / 255) - 0.1307) / 0.3081</c> (see <see cref="Normalize"/>).
/// </remarks>
[SkipLocalsInit]
public static class DigitClassifier
{
    /// <summary>Rows and columns of an image.</summary>
    public const int ImageSize = 28;

    /// <summary>Pixels of one image, 784.</summary>
    public const int PixelCount = LeNet5Network.InputSize;

    /// <summary>Number of classes, the digits 0 to 9.</summary>
    public const int DigitCount = LeNet5Network.ClassCount;

    private static readonly float[] s_normalizedByte = BuildNormalizationTable();

    /// <summary>The trained parameters in PyTorch <c>state_dict</c> layout (see <see cref="LeNet5Network.ParameterTensors"/>), read in place from the assembly.</summary>
    public static ReadOnlySpan<float> Parameters => EmbeddedWeights.Parameters;

    /// <summary>Classifies one image given as bytes, 0 (background) to 255 (ink).</summary>
    /// <param name="pixels">784 bytes, row-major.</param>
    /// <returns>The digit and the ten probabilities.</returns>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold 784 bytes.</exception>
    public static DigitPrediction Classify(ReadOnlySpan<byte> pixels)
    {
        RequireImages(pixels.Length, 1, nameof(pixels));
        Span<float> input = stackalloc float[PixelCount];
        Normalize(pixels, input);
        return Infer(input);
    }

    /// <summary>Classifies one image given as normalised floats (see <see cref="Normalize"/>).</summary>
    /// <param name="normalizedPixels">784 floats, row-major.</param>
    /// <returns>The digit and the ten probabilities.</returns>
    /// <exception cref="ArgumentException"><paramref name="normalizedPixels"/> does not hold 784 floats.</exception>
    public static DigitPrediction Classify(ReadOnlySpan<float> normalizedPixels)
    {
        RequireImages(normalizedPixels.Length, 1, nameof(normalizedPixels));
        return Infer(normalizedPixels);
    }

    /// <summary>Classifies consecutive images given as bytes, writing one prediction per image.</summary>
    /// <param name="images"><c>n * 784</c> bytes: image i at <c>i * 784</c>.</param>
    /// <param name="predictions">Exactly <c>n</c> predictions, written.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void Classify(ReadOnlySpan<byte> images, Span<DigitPrediction> predictions)
    {
        RequireImages(images.Length, predictions.Length, nameof(images));
        Span<float> input = stackalloc float[PixelCount];
        for (int i = 0; i < predictions.Length; i++)
        {
            Normalize(images.Slice(i * PixelCount, PixelCount), input);
            predictions[i] = Infer(input);
        }
    }

    /// <summary>Classifies consecutive images given as normalised floats, writing one prediction per image.</summary>
    /// <param name="normalizedImages"><c>n * 784</c> floats: image i at <c>i * 784</c>.</param>
    /// <param name="predictions">Exactly <c>n</c> predictions, written.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void Classify(ReadOnlySpan<float> normalizedImages, Span<DigitPrediction> predictions)
    {
        RequireImages(normalizedImages.Length, predictions.Length, nameof(normalizedImages));
        for (int i = 0; i < predictions.Length; i++) predictions[i] = Infer(normalizedImages.Slice(i * PixelCount, PixelCount));
    }

    /// <summary>
    /// Normalises bytes as the training data was: <c>((pixel / 255) - 0.1307) / 0.3081</c> (PyTorch's
    /// <c>ToTensor()</c> then <c>Normalize((0.1307,), (0.3081,))</c>).
    /// </summary>
    /// <param name="pixels">Bytes 0..255.</param>
    /// <param name="destination">As many floats as <paramref name="pixels"/>, written.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="pixels"/>.</exception>
    public static void Normalize(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length)
            throw new ArgumentException($"the destination holds {destination.Length} floats but there are {pixels.Length} pixels", nameof(destination));
        ReadOnlySpan<float> table = s_normalizedByte;
        for (int i = 0; i < pixels.Length; i++) destination[i] = table[pixels[i]];
    }

    private static DigitPrediction Infer(ReadOnlySpan<float> input)
    {
        Span<float> workspace = stackalloc float[LeNet5Network.WorkspaceSize];
        Span<float> logits = stackalloc float[DigitCount];
        LeNet5Network.Infer(EmbeddedWeights.Parameters, input, logits, workspace, 1);
        return new DigitPrediction(logits);
    }

    private static void RequireImages(int length, int count, string name)
    {
        if (length != count * PixelCount)
        {
            throw new ArgumentException(
                count == 1
                    ? $"an image is {ImageSize}x{ImageSize} = {PixelCount} pixels, not {length}"
                    : $"{count} predictions need {count} images of {PixelCount} pixels ({count * PixelCount} values), not {length}",
                name);
        }
    }

    private static float[] BuildNormalizationTable()
    {
        // The scaling architecture.json declares (the replications' standardisation for the seed network).
        var table = new float[256];
        LeNet5Network.InputScaling.Scale(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), table);
        return table;
    }
}
