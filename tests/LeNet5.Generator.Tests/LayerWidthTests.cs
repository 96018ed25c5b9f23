using System.Reflection;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Generator.Tests;

/// <summary>
/// Every width's kernels of the layers other than conv, called directly (they are private) on the same data as the
/// scalar reference: activations (the same bits at every width), the 2x2 window kernels of average pooling and
/// subsampling (the same bits as the window-by-window method, but for the subsampling coefficient's gradient, a sum),
/// and the shared kernels (Dot, Sum, Axpy, AddWeightedRows, against double precision). Vector512 and Vector256 run in
/// software where the hardware lacks them, so each width is checked on any machine; only the AVX2 window kernels need
/// AVX2.
/// </summary>
public sealed unsafe class LayerWidthTests
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static;

    private static readonly string[] Widths = ["512", "256", "128"];

    private static LoadedNetwork Network => LoadedNetwork.Compile("widths.architecture.json");

    /// <summary>Each width's method on a run that ends in a partial vector; the reference is the scalar tail, one value at a time.</summary>
    [Theory]
    [InlineData("ApplyRelu")]
    [InlineData("ApplyTanh")]
    [InlineData("ApplySigmoid")]
    [InlineData("ApplyScaledTanh")]
    public void ActivationsGiveTheScalarBitsAtEveryWidth(string kernel)
    {
        const int Length = 45;
        float[] input = RandomArray(new Random(1), Length, 9f);
        float[] expected = (float[])input.Clone();
        fixed (float* values = expected)
        {
            for (int j = 0; j < Length; j++)
            {
                Call(kernel + "128", Box(values + j), 1);
            }
        }

        foreach (string width in Widths)
        {
            float[] actual = (float[])input.Clone();
            fixed (float* values = actual)
            {
                Call(kernel + width, Box(values), Length);
            }

            AssertSameBits(expected, actual, kernel + width);
        }
    }

    [Theory]
    [InlineData("ReluBackward")]
    [InlineData("TanhBackward")]
    [InlineData("SigmoidBackward")]
    [InlineData("ScaledTanhBackward")]
    public void ActivationDerivativesGiveTheScalarBitsAtEveryWidth(string kernel)
    {
        const int Length = 45;
        var random = new Random(2);
        float[] output = RandomArray(random, Length, 1.7f);
        float[] gradient = RandomArray(random, Length, 1f);
        float[] expected = (float[])gradient.Clone();
        fixed (float* y = output)
        fixed (float* g = expected)
        {
            for (int j = 0; j < Length; j++)
            {
                Call(kernel + "128", Box(g + j), Box(y + j), 1);
            }
        }

        foreach (string width in Widths)
        {
            float[] actual = (float[])gradient.Clone();
            fixed (float* y = output)
            fixed (float* g = actual)
            {
                Call(kernel + width, Box(g), Box(y), Length);
            }

            AssertSameBits(expected, actual, kernel + width);
        }
    }

    /// <summary>Average pooling 18 windows wide: at 256 bits two vectors and an overlapping one, at 128 four and an overlapping one.</summary>
    [Theory]
    [InlineData("256")]
    [InlineData("128")]
    public void AveragePoolingWindowsGiveTheWindowByWindowBits(string width)
    {
        if (width == "256" && !Avx2.IsSupported)
        {
            return; // the AVX2 kernel cannot run here
        }

        var random = new Random(3);
        int inputSize = Constant("PoolInputChannels") * Constant("PoolInputHeight") * Constant("PoolInputWidth");
        int outputSize = Constant("PoolOutputSize");
        float[] input = RandomArray(random, inputSize, 2f);
        float[] outputGradient = RandomArray(random, outputSize, 1f);
        float[] Forward(string method)
        {
            var output = new float[outputSize];
            fixed (float* x = input)
            fixed (float* y = output)
            {
                Call("PoolForward" + method, Box(x), Box(y));
            }

            return output;
        }

        float[] output = Forward("Portable");
        AssertSameBits(output, Forward(width), "PoolForward" + width);
        float[] Backward(string method)
        {
            float[] gradient = (float[])outputGradient.Clone();
            var inputGradient = new float[inputSize];
            fixed (float* x = input)
            fixed (float* y = output)
            fixed (float* dy = gradient)
            fixed (float* dx = inputGradient)
            {
                Call("PoolBackward" + method, Box(x), Box(y), Box(dy), Box(dx));
            }

            return inputGradient;
        }

        AssertSameBits(Backward("Portable"), Backward(width), "PoolBackward" + width);
    }

    /// <summary>
    /// Max pooling 8 windows wide (the blocked architecture's pool: one vector at 256 bits, two at 128) on values with
    /// many ties, both zeros among them, so that picking the first maximum, as the window-by-window loop does, matters.
    /// </summary>
    [Theory]
    [InlineData("256")]
    [InlineData("128")]
    public void MaxPoolingWindowsGiveTheWindowByWindowBits(string width)
    {
        if (width == "256" && !Avx2.IsSupported)
        {
            return; // the AVX2 kernel cannot run here
        }

        LoadedNetwork network = LoadedNetwork.Compile("blocked.architecture.json");
        var random = new Random(5);
        int inputSize = Constant(network, "PoolInputChannels") * Constant(network, "PoolInputHeight") * Constant(network, "PoolInputWidth");
        var input = new float[inputSize];
        for (int i = 0; i < inputSize; i++)
        {
            int level = random.Next(-2, 3);
            input[i] = level == 0 ? (random.Next(2) == 0 ? 0f : -0f) : level * 0.5f;
        }

        float[] Forward(string method)
        {
            var output = new float[Constant(network, "PoolOutputSize")];
            fixed (float* x = input)
            fixed (float* y = output)
            {
                Call(network, "PoolForward" + method, Box(x), Box(y));
            }

            return output;
        }

        float[] expected = Forward("Portable");
        Assert.Contains(expected, value => value == 0f && float.IsNegative(value));
        AssertSameBits(expected, Forward(width), "PoolForward" + width);
    }

    /// <summary>Subsampling 9 windows wide: one vector and an overlapping one of a single window at 256 bits, two and one of a single window at 128.</summary>
    [Theory]
    [InlineData("256")]
    [InlineData("128")]
    public void SubsamplingWindowsGiveTheWindowByWindowResults(string width)
    {
        if (width == "256" && !Avx2.IsSupported)
        {
            return; // the AVX2 kernel cannot run here
        }

        var random = new Random(4);
        LoadedNetwork network = Network;
        float[] parameters = network.Initialize(seed: 5);
        int inputSize = Constant("SubsampleInputChannels") * Constant("SubsampleInputHeight") * Constant("SubsampleInputWidth");
        int outputSize = Constant("SubsampleOutputSize");
        float[] input = RandomArray(random, inputSize, 2f);
        float[] outputGradient = RandomArray(random, outputSize, 1f);
        float[] Forward(string method)
        {
            var output = new float[outputSize];
            fixed (float* p = parameters)
            fixed (float* x = input)
            fixed (float* y = output)
            {
                Call("SubsampleForward" + method, Box(p), Box(x), Box(y));
            }

            return output;
        }

        float[] output = Forward("Portable");
        AssertSameBits(output, Forward(width), "SubsampleForward" + width);
        (float[] Gradients, float[] InputGradient) Backward(string method)
        {
            float[] gradient = (float[])outputGradient.Clone();
            var gradients = new float[parameters.Length];
            var inputGradient = new float[inputSize];
            fixed (float* p = parameters)
            fixed (float* g = gradients)
            fixed (float* x = input)
            fixed (float* y = output)
            fixed (float* dy = gradient)
            fixed (float* dx = inputGradient)
            {
                Call("SubsampleBackward" + method, Box(p), Box(g), Box(x), Box(y), Box(dy), Box(dx));
            }

            return (gradients, inputGradient);
        }

        (float[] expected, float[] expectedInput) = Backward("Portable");
        (float[] actual, float[] actualInput) = Backward(width);
        AssertSameBits(expectedInput, actualInput, "SubsampleBackward" + width + " input gradient");
        int coefficients = Constant("SubsampleWeightOffset");
        for (int i = 0; i < parameters.Length; i++)
        {
            if (i >= coefficients && i < coefficients + Constant("SubsampleWeightLength"))
            {
                // a sum over the map's windows, whose order depends on the width
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1f + Math.Abs(expected[i])), $"coefficient gradient {i}: {expected[i]} vs {actual[i]}");
            }
            else
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"gradient {i}: {expected[i]} vs {actual[i]}");
            }
        }

        Assert.Contains(actual.AsSpan(coefficients, Constant("SubsampleWeightLength")).ToArray(), value => value != 0f);
    }

    /// <summary>Lengths around every width's blocks and tails, against sums in double precision.</summary>
    [Fact]
    public void DotAndSumAddEveryValueAtEveryWidth()
    {
        var random = new Random(7);
        foreach (int length in new[] { 0, 1, 3, 4, 7, 8, 15, 16, 31, 33, 47, 150 })
        {
            float[] a = RandomArray(random, length, 1f);
            float[] b = RandomArray(random, length, 1f);
            double dot = 0, sum = 0, scale = 1e-6;
            for (int j = 0; j < length; j++)
            {
                dot += (double)a[j] * b[j];
                sum += a[j];
                scale += Math.Abs(a[j]) + Math.Abs((double)a[j] * b[j]);
            }

            foreach (string width in Widths)
            {
                fixed (float* x = a)
                fixed (float* y = b)
                {
                    float actualDot = (float)Call("Dot" + width, Box(x), Box(y), length)!;
                    float actualSum = (float)Call("Sum" + width, Box(x), length)!;
                    Assert.True(Math.Abs(actualDot - dot) <= 1e-6 * scale, $"Dot{width} of {length}: {actualDot} vs {dot}");
                    Assert.True(Math.Abs(actualSum - sum) <= 1e-6 * scale, $"Sum{width} of {length}: {actualSum} vs {sum}");
                }
            }
        }
    }

    [Fact]
    public void AxpyAndWeightedRowsAddEveryTermAtEveryWidth()
    {
        var random = new Random(8);
        const int Length = 150, Count = 5, RowStride = 160, WeightStride = 3;
        float[] x = RandomArray(random, Length, 1f);
        float[] start = RandomArray(random, Length, 1f);
        float[] weights = RandomArray(random, Count * WeightStride, 1f);
        float[] rows = RandomArray(random, Count * RowStride, 1f);
        foreach (string width in Widths)
        {
            float[] axpy = (float[])start.Clone();
            float[] weighted = (float[])start.Clone();
            fixed (float* px = x)
            fixed (float* py = axpy)
            fixed (float* target = weighted)
            fixed (float* w = weights)
            fixed (float* r = rows)
            {
                Call("Axpy" + width, 0.75f, Box(px), Box(py), Length);
                Call("AddWeightedRows" + width, Box(target), Box(w), WeightStride, Box(r), RowStride, Length, Count);
            }

            for (int k = 0; k < Length; k++)
            {
                double expected = start[k];
                for (int j = 0; j < Count; j++)
                {
                    expected += (double)weights[j * WeightStride] * rows[(j * RowStride) + k];
                }

                Assert.True(Math.Abs(axpy[k] - (start[k] + (0.75 * x[k]))) <= 1e-6, $"Axpy{width} at {k}");
                Assert.True(Math.Abs(weighted[k] - expected) <= 1e-5, $"AddWeightedRows{width} at {k}: {weighted[k]} vs {expected}");
            }
        }
    }

    private static int Constant(string name) => Constant(Network, name);

    private static int Constant(LoadedNetwork network, string name) => (int)network.Network.GetField(name)!.GetRawConstantValue()!;

    private static object? Call(string method, params object?[] arguments) => Call(Network, method, arguments);

    private static object? Call(LoadedNetwork network, string method, params object?[] arguments)
    {
        MethodInfo? info = network.Network.GetMethod(method, Private);
        Assert.True(info != null, "no method " + method);
        try
        {
            return info.Invoke(null, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }

    private static object Box(float* pointer) => Pointer.Box(pointer, typeof(float*));

    private static float[] RandomArray(Random random, int length, float range)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * range);
        }

        return values;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what} at {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
