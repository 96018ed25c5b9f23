using LeNet5.Runtime.Data;

namespace LeNet5.Runtime;

/// <summary>
/// How a network wants its grey pixels: a background pixel (0) becomes <paramref name="Background"/>, a foreground
/// pixel (255) <paramref name="Foreground"/>, and pixels in between are mapped linearly. Declared by the architecture
/// file's <c>input.scale</c>.
/// </summary>
/// <param name="Background">The value of pixel 0.</param>
/// <param name="Foreground">The value of pixel 255.</param>
public readonly record struct InputScaling(float Background, float Foreground)
{
    /// <summary>The replications' <c>(x / 255 - 0.1307) / 0.3081</c> (see <see cref="MnistPreprocessing"/>).</summary>
    public static InputScaling Standardized { get; } = new(MnistPreprocessing.Normalize(0f), MnistPreprocessing.Normalize(255f));

    /// <summary>LeCun et al. 1998: background -0.1, foreground 1.175 (mean about 0, variance about 1 on MNIST).</summary>
    public static InputScaling Paper { get; } = new(-0.1f, 1.175f);

    /// <summary>The value of one pixel in [0, 255].</summary>
    public float Scale(float pixel) => Background + (Foreground - Background) * (pixel / 255f);

    /// <summary>Scales bytes in [0, 255] into floats; <paramref name="destination"/> is at least as long.</summary>
    public void Scale(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length) throw new ArgumentException("destination is shorter than the pixels", nameof(destination));
        Span<float> table = stackalloc float[256];
        // The standardized mapping keeps MnistPreprocessing's exact float arithmetic, so datasets are bit-identical to before.
        bool standardized = this == Standardized;
        for (int i = 0; i < 256; i++) table[i] = standardized ? MnistPreprocessing.Normalize(i) : Scale(i);
        for (int i = 0; i < pixels.Length; i++) destination[i] = table[pixels[i]];
    }
}
