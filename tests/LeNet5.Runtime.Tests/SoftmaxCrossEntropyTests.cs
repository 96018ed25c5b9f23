using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Loss;

namespace LeNet5.Runtime.Tests;

public sealed class SoftmaxCrossEntropyTests
{
    [Fact]
    public void Matches_hand_computed_values()
    {
        // logits [1, 2, 3], label 2: loss = log(e + e^2 + e^3) - 3 = 0.40760596; gradient = softmax - onehot.
        float[] gradient = new float[3];
        float loss = SoftmaxCrossEntropy.MeanLoss([1f, 2f, 3f], [2], 3, gradient);
        Assert.Equal(0.40760596f, loss, 6);
        Assert.Equal(0.09003057f, gradient[0], 6);
        Assert.Equal(0.24472847f, gradient[1], 6);
        Assert.Equal(0.66524096f - 1f, gradient[2], 6);
    }

    [Fact]
    public void Mean_over_rows_scales_the_gradient_by_one_over_rows()
    {
        float[] gradient = new float[4];
        // Row 0: logits [0, 0], label 0 -> log 2; row 1: [0, ln 3], label 1 -> log(4/3).
        float loss = SoftmaxCrossEntropy.MeanLoss([0f, 0f, 0f, MathF.Log(3)], [0, 1], 2, gradient);
        Assert.Equal((MathF.Log(2) + MathF.Log(4f / 3)) / 2, loss, 6);
        Assert.Equal(new[] { -0.25f, 0.25f, 0.125f, -0.125f }, gradient.Select(g => MathF.Round(g, 6)));
    }

    [Fact]
    public void Large_logits_stay_finite()
    {
        float[] gradient = new float[2];
        float loss = SoftmaxCrossEntropy.MeanLoss([1000f, 0f], [1], 2, gradient);
        Assert.Equal(1000f, loss, 3);
        Assert.Equal(1f, gradient[0], 6);
        Assert.Equal(-1f, gradient[1], 6);
        Assert.Equal(0f, SoftmaxCrossEntropy.MeanLoss([-1000f, 1000f], [1], 2, gradient), 6);
    }

    [Fact]
    public void Gradient_matches_finite_differences()
    {
        var random = new Random(3);
        const int rows = 4, classes = 10;
        float[] logits = Enumerable.Range(0, rows * classes).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        byte[] labels = [3, 0, 9, 5];
        float[] gradient = new float[rows * classes];
        SoftmaxCrossEntropy.MeanLoss(logits, labels, classes, gradient);
        for (int i = 0; i < logits.Length; i++)
        {
            double[] shifted = logits.Select(x => (double)x).ToArray();
            const double h = 1e-3;
            shifted[i] += h;
            double plus = ReferenceLoss(shifted, labels, classes);
            shifted[i] -= 2 * h;
            double minus = ReferenceLoss(shifted, labels, classes);
            Assert.Equal((plus - minus) / (2 * h), gradient[i], 4);
        }
    }

    [Fact]
    public void Sum_with_scale_is_what_a_shard_of_a_batch_contributes()
    {
        float[] logits = [0.5f, -1f, 2f, 0f, 0f, 3f];
        byte[] labels = [0, 2];
        float[] whole = new float[6], part = new float[3];
        SoftmaxCrossEntropy.MeanLoss(logits, labels, 3, whole);
        double sum = SoftmaxCrossEntropy.SumLoss(logits.AsSpan(3), labels.AsSpan(1), 3, part, 0.5f);
        Assert.Equal(whole[3..], part);
        Assert.Equal(ReferenceLoss([0, 0, 3], [2], 3), sum, 6);
    }

    private static double ReferenceLoss(double[] logits, byte[] labels, int classes)
    {
        double total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[r * classes + c]);
            total += Math.Log(sum) - logits[r * classes + labels[r]];
        }
        return total / labels.Length;
    }
}

public sealed class PreprocessingTests
{
    [Fact]
    public void Vectorised_normalization_equals_the_scalar_formula_for_every_byte()
    {
        // 3 x 256 + 7 values: every byte value, in the vector loop and in the scalar tail.
        byte[] pixels = Enumerable.Range(0, 3 * 256 + 7).Select(i => (byte)(i * 37 % 256)).ToArray();
        var floats = new float[pixels.Length];
        MnistPreprocessing.Normalize(pixels, floats);
        for (int i = 0; i < pixels.Length; i++)
        {
            float expected = (pixels[i] / 255f - 0.1307f) / 0.3081f;
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(floats[i]));
        }
    }
}
