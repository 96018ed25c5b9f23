namespace LeNet5.Runtime;

/// <summary>
/// The preprocessing of the PyTorch replications: <c>ToTensor()</c> (x / 255) then
/// <c>Normalize((0.1307,), (0.3081,))</c>.
/// </summary>
public static class MnistPreprocessing
{
    /// <summary>Mean of the MNIST training pixels after scaling to [0, 1].</summary>
    public const float Mean = 0.1307f;

    /// <summary>Standard deviation of the MNIST training pixels after scaling to [0, 1].</summary>
    public const float StandardDeviation = 0.3081f;

    /// <summary>Normalizes one pixel value in [0, 255].</summary>
    public static float Normalize(float pixel) => (pixel / 255f - Mean) / StandardDeviation;

    /// <summary>Normalizes bytes in [0, 255] into floats; <paramref name="destination"/> has the same length.</summary>
    public static void Normalize(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length) throw new ArgumentException("destination is shorter than the pixels", nameof(destination));
        Span<float> table = stackalloc float[256];
        for (int i = 0; i < 256; i++) table[i] = Normalize(i);
        for (int i = 0; i < pixels.Length; i++) destination[i] = table[pixels[i]];
    }
}
