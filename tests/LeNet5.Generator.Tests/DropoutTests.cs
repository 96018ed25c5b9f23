namespace LeNet5.Generator.Tests;

/// <summary>
/// The dropout layer: the identity in inference, a mask that depends on (seed, step, image in the batch, layer, unit)
/// and not on how the batch is cut, gradients that match finite differences with the mask fixed, and training that is
/// bit-identical for any thread count.
/// </summary>
public sealed class DropoutTests
{
    private const string File = "dropout.architecture.json";

    [Fact]
    public void Inference_is_the_same_network_without_dropout_bit_for_bit()
    {
        LoadedNetwork dropout = LoadedNetwork.Compile(File);
        LoadedNetwork plain = LoadedNetwork.Compile("nodropout.architecture.json");
        float[] parameters = dropout.Initialize(seed: 2);
        Assert.Equal(plain.ParameterCount, dropout.ParameterCount);
        float[] input = RandomArray(new Random(3), 5 * dropout.InputSize);

        float[] expected = plain.Infer(parameters, input, batch: 5);
        Assert.Equal(Bits(expected), Bits(dropout.Infer(parameters, input, batch: 5)));

        // the training pass without noise keeps every unit
        Assert.Equal(Bits(expected), Bits(dropout.ForwardTrain(parameters, input, batch: 5).Logits));
    }

    [Fact]
    public void The_mask_drops_about_the_rate_and_scales_the_rest()
    {
        LoadedNetwork network = LoadedNetwork.Compile(File);
        float[] parameters = network.Initialize(seed: 2);
        const int Batch = 64;
        float[] input = RandomArray(new Random(4), Batch * network.InputSize);
        (_, float[] activations) = network.ForwardTrainWithNoise(parameters, input, Batch, seed: 1, step: 0, first: 0);

        // drop1 follows conv (3x4x4 = 48 units); its mask follows the batch's outputs
        int offset = Constant(network, "Drop1ActivationOffset"), size = Constant(network, "Drop1OutputSize");
        Assert.Equal(offset + size, Constant(network, "Drop1MaskOffset"));
        var mask = new ArraySegment<float>(activations, Batch * (offset + size), Batch * size);
        Assert.All(mask, value => Assert.True(value == 0f || value == 2f, $"mask value {value}"));
        double dropped = mask.Count(value => value == 0f) / (double)mask.Count;
        Assert.InRange(dropped, 0.45, 0.55);
        var outputs = new ArraySegment<float>(activations, Batch * offset, Batch * size);
        var conv = new ArraySegment<float>(activations, Batch * Constant(network, "ConvActivationOffset"), Batch * size);
        for (int j = 0; j < outputs.Count; j++)
        {
            Assert.Equal(conv[j] * mask[j], outputs[j]);
        }
    }

    [Fact]
    public void The_mask_depends_on_the_image_in_the_batch_not_on_the_shards()
    {
        LoadedNetwork network = LoadedNetwork.Compile(File);
        float[] parameters = network.Initialize(seed: 2);
        float[] input = RandomArray(new Random(5), 8 * network.InputSize);
        float[] whole = network.ForwardTrainWithNoise(parameters, input, 8, seed: 3, step: 11, first: 0).Logits;
        float[] front = network.ForwardTrainWithNoise(parameters, input[..(3 * network.InputSize)], 3, seed: 3, step: 11, first: 0).Logits;
        float[] back = network.ForwardTrainWithNoise(parameters, input[(3 * network.InputSize)..], 5, seed: 3, step: 11, first: 3).Logits;
        Assert.Equal(Bits(whole), Bits([.. front, .. back]));

        // another step or seed draws other masks
        Assert.NotEqual(Bits(whole), Bits(network.ForwardTrainWithNoise(parameters, input, 8, seed: 3, step: 12, first: 0).Logits));
        Assert.NotEqual(Bits(whole), Bits(network.ForwardTrainWithNoise(parameters, input, 8, seed: 4, step: 11, first: 0).Logits));
    }

    /// <summary>L = sum of logits times fixed weights; the masks depend on the noise only, so they stay fixed while parameters move.</summary>
    [Fact]
    public void Gradients_match_finite_differences_with_the_mask_fixed()
    {
        LoadedNetwork network = LoadedNetwork.Compile(File);
        var random = new Random(6);
        float[] parameters = network.Initialize(seed: 2);
        const int Batch = 3;
        float[] input = RandomArray(random, Batch * network.InputSize);
        float[] weights = RandomArray(random, Batch * network.ClassCount);
        double Loss(float[] p, float[] x)
        {
            float[] logits = network.ForwardTrainWithNoise(p, x, Batch, seed: 9, step: 5, first: 2).Logits;
            return logits.Select((z, k) => (double)z * weights[k]).Sum();
        }

        (_, float[] activations) = network.ForwardTrainWithNoise(parameters, input, Batch, seed: 9, step: 5, first: 2);
        var gradients = new float[network.ParameterCount];
        var inputGradient = new float[Batch * network.InputSize];
        network.Backward(parameters, input, activations, weights, gradients, inputGradient, Batch);

        Assert.Contains(activations, value => value == 0f);
        CheckAgainstFiniteDifferences(parameters, gradients, p => Loss(p, input), "parameter");
        CheckAgainstFiniteDifferences(input, inputGradient, x => Loss(parameters, x), "input");
    }

    [Fact]
    public void Training_with_dropout_is_bit_identical_for_any_thread_count()
    {
        LoadedNetwork network = LoadedNetwork.Compile(File);
        var random = new Random(7);
        const int Images = 96;
        float[] images = RandomArray(random, Images * network.InputSize);
        byte[] labels = Enumerable.Range(0, Images).Select(_ => (byte)random.Next(network.ClassCount)).ToArray();
        float[] one = network.Train(images, labels, 6, 6, threads: 1);
        Assert.Equal(Bits(one), Bits(network.Train(images, labels, 6, 6, threads: 2)));
        Assert.Equal(Bits(one), Bits(network.Train(images, labels, 6, 6, threads: 3)));
    }

    private static void CheckAgainstFiniteDifferences(float[] point, float[] gradient, Func<float[], double> loss, string what)
    {
        for (int i = 0; i < point.Length; i++)
        {
            float saved = point[i];
            float step = 1e-2f * Math.Max(1f, Math.Abs(saved));
            point[i] = saved + step;
            double up = loss(point);
            point[i] = saved - step;
            double down = loss(point);
            point[i] = saved;
            double expected = (up - down) / (2 * step);
            Assert.True(Math.Abs(expected - gradient[i]) <= 2e-3 + (2e-2 * Math.Abs(expected)), $"{what} {i}: finite differences {expected}, backward {gradient[i]}");
        }
    }

    private static int Constant(LoadedNetwork network, string name) => (int)network.Network.GetField(name)!.GetRawConstantValue()!;

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static float[] RandomArray(Random random, int length)
        => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}
