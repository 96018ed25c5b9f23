using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace LeNet5.Generator.Tests;

/// <summary>
/// Compiles the generated code of test architectures in memory, loads it, and checks what only the generator's
/// own tests can reach: empty batches, argument checks, and the portable conv paths against the vector paths.
/// Forward passes and gradients of these architectures are checked against the reference interpreter and finite
/// differences in LeNet5.Model.Tests, which compiles the same files.
/// </summary>
public sealed class GeneratedNetworkTests
{
    [Theory]
    [InlineData("mixed.architecture.json")]
    [InlineData("mlp.architecture.json")]
    public void AnEmptyBatchDoesNothing(string file)
    {
        var network = LoadedNetwork.Compile(file);
        float[] parameters = network.Initialize(seed: 1);
        var gradients = new float[network.ParameterCount];
        Assert.Empty(network.Infer(parameters, [], batch: 0));
        (float[] logits, float[] activations) = network.ForwardTrain(parameters, [], batch: 0);
        Assert.Empty(logits);
        network.Backward(parameters, [], activations, [], gradients, [], batch: 0);
        Assert.All(gradients, value => Assert.Equal(0f, value));
    }

    /// <summary>
    /// Every width's vector kernels compute the same layer as the portable path, the reference for hardware without SIMD.
    /// For each conv layer, the generator's own plans say which widths vectorize its forward and backward passes, and
    /// exactly those have methods (<c>WideForward512</c>, <c>WideBackward128</c>, ...). Each is called directly (they are
    /// private, and they do not check the hardware, so 512-bit vectors run in software on a machine without AVX-512) on
    /// the same data as <c>WideForwardPortable</c> and <c>WideBackwardPortable</c>. The architectures cover wide rows
    /// (blocked forward and weight gradient, padded input gradient), narrow maps (packed, scattered), connection tables,
    /// odd widths whose last vector overlaps and needs a tail mask, a layer only 128-bit vectors take, and convs no width
    /// vectorizes (padding, strides: only the portable method).
    /// </summary>
    [Theory]
    [InlineData("blocked.architecture.json", 18)]
    [InlineData("sparseblocked.architecture.json", 12)]
    [InlineData("lenet5.architecture.json", 12)]
    [InlineData("oddwidths.architecture.json", 16)]
    [InlineData("mixed.architecture.json", 0)]
    public unsafe void PortableConvPathsAgreeWithTheVectorPaths(string file, int widthMethods)
    {
        var network = LoadedNetwork.Compile(file);
        NetworkModel model = ShapeInference.Infer(ArchitectureParser.Parse(file, GeneratorHarness.ReadArchitecture(file))).Model!;
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static;
        var random = new Random(6);
        float[] parameters = network.Initialize(seed: 3);
        int scratchSize = (int)network.Network.GetField("ScratchSize")!.GetRawConstantValue()!;
        int compared = 0;
        foreach (LayerModel layer in model.Layers.Where(layer => layer.Plan is ConvPlans))
        {
            var plans = (ConvPlans)layer.Plan!;
            string name = layer.Identifier;
            MethodInfo? Method(string pass) => network.Network.GetMethod(name + pass, Private);
            int inputSize = layer.Input.Channels * layer.Input.Height * layer.Input.Width;
            int outputSize = layer.Output.Channels * layer.Output.Height * layer.Output.Width;
            float[] input = RandomArray(random, inputSize);
            float[] outputGradient = RandomArray(random, outputSize);

            float[] Forward(MethodInfo method)
            {
                var output = new float[outputSize];
                fixed (float* p = parameters, x = input, y = output)
                {
                    method.Invoke(null, [Box(p), Box(x), Box(y)]);
                }

                return output;
            }

            (float[] Parameters, float[] Input) Backward(MethodInfo method, float[] output)
            {
                var gradients = new float[parameters.Length];
                var inputGradient = new float[inputSize];
                float[] gradient = (float[])outputGradient.Clone();
                var scratch = new float[Math.Max(1, scratchSize)];
                fixed (float* p = parameters, g = gradients, x = input, y = output, dy = gradient, dx = inputGradient, s = scratch)
                {
                    method.Invoke(null, [Box(p), Box(g), Box(x), Box(y), Box(dy), Box(dx), Box(s)]);
                }

                return (gradients, inputGradient);
            }

            // a pass no width vectorizes has only its portable method, under the pass's own name
            Assert.Equal(plans.VectorForward.Any(), Method("ForwardPortable") != null);
            Assert.Equal(plans.VectorBackward.Any(), Method("BackwardPortable") != null);
            float[] output = Forward(Method("ForwardPortable") ?? Method("Forward")!);
            (float[] Parameters, float[] Input) gradients = Backward(Method("BackwardPortable") ?? Method("Backward")!, output);
            foreach (ConvPlan plan in plans.Widths)
            {
                string width = plan.Width.Suffix;
                MethodInfo? forward = Method("Forward" + width);
                Assert.True((plan.Forward != ConvForward.Portable) == (forward != null), $"{name}Forward{width} and its {plan.Describe(backward: false)}");
                if (forward != null)
                {
                    AssertAllClose(output, Forward(forward), $"{name}Forward{width}");
                    compared++;
                }

                MethodInfo? backward = Method("Backward" + width);
                Assert.True(plan.VectorBackward == (backward != null), $"{name}Backward{width} and its {plan.Describe(backward: true)}");
                if (backward != null)
                {
                    (float[] Parameters, float[] Input) vector = Backward(backward, output);
                    AssertAllClose(gradients.Parameters, vector.Parameters, $"{name}Backward{width} parameter gradients");
                    AssertAllClose(gradients.Input, vector.Input, $"{name}Backward{width} input gradient");
                    compared++;
                }
            }
        }

        Assert.Equal(widthMethods, compared);
    }

    private static unsafe object Box(float* pointer) => Pointer.Box(pointer, typeof(float*));

    /// <summary>The AVX2 2x2 average pooling adds in the portable loop's order, so the two give the same bits.</summary>
    [Fact]
    public unsafe void Vector_average_pooling_matches_the_portable_loop_bit_for_bit()
    {
        var network = LoadedNetwork.Compile("lenet5.architecture.json");
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static;
        int Constant(string name) => (int)network.Network.GetField("S2" + name)!.GetRawConstantValue()!;
        float[] input = RandomArray(new Random(8), Constant("InputChannels") * Constant("InputHeight") * Constant("InputWidth"));
        float[] vector = new float[Constant("OutputSize")], portable = new float[Constant("OutputSize")];
        fixed (float* x = input, y1 = vector, y2 = portable)
        {
            object Box(float* pointer) => Pointer.Box(pointer, typeof(float*));
            network.Network.GetMethod("S2Forward", Private)!.Invoke(null, [Box(x), Box(y1)]);
            network.Network.GetMethod("S2ForwardPortable", Private)!.Invoke(null, [Box(x), Box(y2)]);
        }

        Assert.Equal(portable.Select(BitConverter.SingleToInt32Bits), vector.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// The AVX2 2x2 average-pool backward scales each window's gradient by the portable loop's 1 / area, so the two give the
    /// same bits; the input gradients start as different garbage so that every input must be written.
    /// </summary>
    [Fact]
    public unsafe void Vector_average_pool_backward_matches_the_portable_loop_bit_for_bit()
    {
        var network = LoadedNetwork.Compile("lenet5.architecture.json");
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static;
        int Constant(string name) => (int)network.Network.GetField("S2" + name)!.GetRawConstantValue()!;
        var random = new Random(10);
        int inputSize = Constant("InputChannels") * Constant("InputHeight") * Constant("InputWidth");
        float[] input = RandomArray(random, inputSize);
        float[] output = RandomArray(random, Constant("OutputSize"));
        float[] outputGradient = RandomArray(random, Constant("OutputSize"));
        float[] vector = RandomArray(random, inputSize), portable = RandomArray(random, inputSize);
        fixed (float* x = input, y = output, dy = outputGradient, dx1 = vector, dx2 = portable)
        {
            object Box(float* pointer) => Pointer.Box(pointer, typeof(float*));
            network.Network.GetMethod("S2Backward", Private)!.Invoke(null, [Box(x), Box(y), Box(dy), Box(dx1)]);
            network.Network.GetMethod("S2BackwardPortable", Private)!.Invoke(null, [Box(x), Box(y), Box(dy), Box(dx2)]);
        }

        Assert.Equal(portable.Select(BitConverter.SingleToInt32Bits), vector.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// The AVX2 trainable subsampling adds each window in the portable loop's order, so the forward pass and the input
    /// gradient give the same bits; the coefficient's gradient sums its products in another order.
    /// </summary>
    [Fact]
    public unsafe void Vector_subsampling_matches_the_portable_loop()
    {
        var network = LoadedNetwork.Compile("sparseblocked.architecture.json");
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static;
        int Constant(string name) => (int)network.Network.GetField("Subsample" + name)!.GetRawConstantValue()!;
        var random = new Random(9);
        int inputSize = Constant("InputChannels") * Constant("InputHeight") * Constant("InputWidth");
        int outputSize = Constant("OutputSize");
        float[] parameters = network.Initialize(seed: 4);
        float[] input = RandomArray(random, inputSize);
        float[] gradient = RandomArray(random, outputSize);
        float[] vectorOutput = new float[outputSize], portableOutput = new float[outputSize];
        float[] vectorGradients = new float[parameters.Length], portableGradients = new float[parameters.Length];
        float[] vectorInputGradient = new float[inputSize], portableInputGradient = new float[inputSize];
        float[] vectorOutputGradient = (float[])gradient.Clone(), portableOutputGradient = (float[])gradient.Clone();
        fixed (float* p = parameters, x = input, y1 = vectorOutput, y2 = portableOutput, g1 = vectorGradients, g2 = portableGradients)
        fixed (float* dx1 = vectorInputGradient, dx2 = portableInputGradient, dy1 = vectorOutputGradient, dy2 = portableOutputGradient)
        {
            object Box(float* pointer) => Pointer.Box(pointer, typeof(float*));
            network.Network.GetMethod("SubsampleForward", Private)!.Invoke(null, [Box(p), Box(x), Box(y1)]);
            network.Network.GetMethod("SubsampleForwardPortable", Private)!.Invoke(null, [Box(p), Box(x), Box(y2)]);
            network.Network.GetMethod("SubsampleBackward", Private)!.Invoke(null, [Box(p), Box(g1), Box(x), Box(y1), Box(dy1), Box(dx1)]);
            network.Network.GetMethod("SubsampleBackwardPortable", Private)!.Invoke(null, [Box(p), Box(g2), Box(x), Box(y2), Box(dy2), Box(dx2)]);
        }

        Assert.Equal(portableOutput.Select(BitConverter.SingleToInt32Bits), vectorOutput.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(portableInputGradient.Select(BitConverter.SingleToInt32Bits), vectorInputGradient.Select(BitConverter.SingleToInt32Bits));
        AssertAllClose(portableGradients, vectorGradients, "subsample parameter gradients");
        Assert.Contains(vectorGradients, value => value != 0);
    }

    private static void AssertAllClose(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void ArgumentLengthsAreChecked()
    {
        var network = LoadedNetwork.Compile("tiny.architecture.json");
        float[] parameters = network.Initialize(seed: 1);
        var input = new float[network.InputSize];
        var exception = Assert.Throws<ArgumentException>(() => network.Infer(parameters, input, batch: 2));
        Assert.Contains("input holds", exception.Message);
    }

    private static float[] RandomArray(Random random, int length)
        => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}
