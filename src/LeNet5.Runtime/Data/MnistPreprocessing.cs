using System.Numerics;

namespace LeNet5.Runtime.Data;

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
    /// <remarks>Vectorised with the same operations in the same order as <see cref="Normalize(float)"/>, so the results are identical.</remarks>
    public static void Normalize(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length) throw new ArgumentException("destination is shorter than the pixels", nameof(destination));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<float>(255f);
            var mean = new Vector<float>(Mean);
            var deviation = new Vector<float>(StandardDeviation);
            int count = Vector<byte>.Count;
            for (; i <= pixels.Length - count; i += count)
            {
                var bytes = new Vector<byte>(pixels.Slice(i, count));
                Vector.Widen(bytes, out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(high, out Vector<uint> c, out Vector<uint> d);
                int n = Vector<float>.Count;
                ((Vector.ConvertToSingle(a) / scale - mean) / deviation).CopyTo(destination.Slice(i, n));
                ((Vector.ConvertToSingle(b) / scale - mean) / deviation).CopyTo(destination.Slice(i + n, n));
                ((Vector.ConvertToSingle(c) / scale - mean) / deviation).CopyTo(destination.Slice(i + 2 * n, n));
                ((Vector.ConvertToSingle(d) / scale - mean) / deviation).CopyTo(destination.Slice(i + 3 * n, n));
            }
        }
        for (; i < pixels.Length; i++) destination[i] = Normalize(pixels[i]);
    }
}
