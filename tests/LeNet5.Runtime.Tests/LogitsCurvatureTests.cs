using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Loss;
using PaperNetwork = LeNet5.Trainer.PaperNetwork;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <see cref="Losses.LogitsCurvature{TNetwork}"/> is d^2 loss / d logit_i^2, checked against the central second finite
/// difference of the loss the trainer minimises (<see cref="SoftmaxCrossEntropy.SumLoss"/> for <see cref="TinyMlp"/>,
/// <see cref="MapCriterion.SumLoss"/> with the paper network's j).
/// </summary>
public sealed class LogitsCurvatureTests
{
    // A power of two, and logits on a grid of 1/64: z +- Step is exact in float, so the only errors are the loss's
    // own rounding (float for the cross-entropy, ~1e-7 / Step^2 ~ 1e-4) and the truncation Step^2 / 12 * |d^4 L / dz^4| < 5e-5.
    private const float Step = 1f / 16;

    [Fact]
    public void Softmax_cross_entropy_curvature_is_the_second_difference_of_the_loss()
    {
        Assert.Equal(LossKind.SoftmaxCrossEntropy, TinyMlp.Description.Loss);
        float[] logits = GridLogits(rows: 4, TinyMlp.ClassCount, low: -4, high: 4, seed: 1);
        AssertSecondDifferences<TinyMlp>(logits, (row, label) => SoftmaxCrossEntropy.SumLoss(row, [label], TinyMlp.ClassCount, [], 0f), tolerance: 5e-4);
    }

    [Fact]
    public void Map_criterion_curvature_is_the_second_difference_of_the_loss_with_its_constant_logit()
    {
        Assert.Equal(LossKind.MapCriterion, PaperNetwork.Description.Loss);
        Assert.NotEqual(0f, PaperNetwork.Description.LossConstant);
        // Negated RBF distances: mostly below zero, some near the constant logit -j.
        float[] logits = GridLogits(rows: 3, PaperNetwork.ClassCount, low: -5, high: 1, seed: 2);
        AssertSecondDifferences<PaperNetwork>(logits, (row, label) => MapCriterion.SumLoss(row, [label], PaperNetwork.ClassCount, PaperNetwork.Description.LossConstant, [], 0f), tolerance: 1e-4);

        // The constant logit matters: without it the same rows would give another curvature.
        var withConstant = new float[logits.Length];
        var without = new float[logits.Length];
        Losses.LogitsCurvature<PaperNetwork>(logits, withConstant);
        Losses.LogitsCurvature<LeNet5Network>(logits, without);
        Assert.Equal(LossKind.SoftmaxCrossEntropy, LeNet5Network.Description.Loss);
        Assert.Contains(Enumerable.Range(0, logits.Length), i => Math.Abs(withConstant[i] - without[i]) > 1e-3);
    }

    [Fact]
    public void Curvature_is_between_zero_and_a_quarter_and_finite_for_extreme_logits()
    {
        var curvature = new float[6];
        Losses.LogitsCurvature<TinyMlp>([1000f, 0f, -1000f, 0f, 0f, 0f], curvature);
        Assert.Equal([0f, 0f, 0f], curvature[..3]);
        // Three equal logits: p = 1/3, p (1 - p) = 2/9.
        Assert.All(curvature[3..], c => Assert.Equal(2f / 9, c, 6));

        var map = new float[10];
        Losses.LogitsCurvature<PaperNetwork>(Enumerable.Repeat(-800f, 10).ToArray(), map);
        Assert.All(map, c => Assert.Equal(0f, c));

        var random = new Random(5);
        float[] logits = Enumerable.Range(0, 50).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
        var values = new float[50];
        Losses.LogitsCurvature<PaperNetwork>(logits, values);
        Assert.All(values, c => Assert.InRange(c, 0f, 0.25f));
    }

    [Fact]
    public void Bad_shapes_are_rejected()
    {
        // Not whole rows of ClassCount (3) logits.
        var partial = Assert.Throws<ArgumentException>(() => Losses.LogitsCurvature<TinyMlp>(new float[7], new float[7]));
        Assert.Equal("logits", partial.ParamName);
        var shortOutput = Assert.Throws<ArgumentException>(() => Losses.LogitsCurvature<TinyMlp>(new float[6], new float[5]));
        Assert.Equal("curvature", shortOutput.ParamName);
        // Empty input is zero rows: nothing to write.
        Losses.LogitsCurvature<TinyMlp>([], []);
    }

    private delegate double RowLoss(float[] row, byte label);

    private static void AssertSecondDifferences<TNetwork>(float[] logits, RowLoss loss, double tolerance) where TNetwork : struct, INetwork
    {
        int classes = TNetwork.Description.ClassCount;
        var curvature = new float[logits.Length];
        Losses.LogitsCurvature<TNetwork>(logits, curvature);
        for (int r = 0; r < logits.Length / classes; r++)
        {
            byte label = (byte)(r % classes);
            float[] row = logits.AsSpan(r * classes, classes).ToArray();
            double centre = loss(row, label);
            for (int c = 0; c < classes; c++)
            {
                float saved = row[c];
                row[c] = saved + Step;
                double plus = loss(row, label);
                row[c] = saved - Step;
                double minus = loss(row, label);
                row[c] = saved;
                double expected = (plus - 2 * centre + minus) / ((double)Step * Step);
                Assert.True(Math.Abs(expected - curvature[r * classes + c]) <= tolerance,
                    $"row {r}, logit {c}: second difference {expected}, LogitsCurvature {curvature[r * classes + c]}");
            }
        }
    }

    private static float[] GridLogits(int rows, int classes, int low, int high, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * classes).Select(_ => random.Next(low * 64, high * 64 + 1) / 64f).ToArray();
    }
}

/// <summary>
/// <see cref="TinyMlp.BackwardCurvature"/>, which the trainer's sdlm needs: its output layer is linear in its
/// parameters, so there the estimate is the exact second derivative of the loss.
/// </summary>
public sealed class TinyMlpCurvatureTests
{
    [Fact]
    public void Output_layer_curvature_is_the_second_difference_of_the_loss_and_all_is_non_negative()
    {
        var parameters = new float[TinyMlp.ParameterCount];
        TinyMlp.InitializeParameters(parameters, new Random(4));
        for (int i = 0; i < parameters.Length; i++) parameters[i] = MathF.Round(parameters[i] * 4 * 64) / 64;
        var random = new Random(6);
        float[] image = Enumerable.Range(0, TinyMlp.InputSize).Select(_ => random.Next(-128, 129) / 64f).ToArray();
        var activations = new float[TinyMlp.Description.ActivationSize];
        var logits = new float[TinyMlp.ClassCount];
        TinyMlp.ForwardTrain(parameters, image, activations, logits, 1);
        var logitsCurvature = new float[TinyMlp.ClassCount];
        Losses.LogitsCurvature<TinyMlp>(logits, logitsCurvature);
        var curvature = new float[TinyMlp.ParameterCount];
        TinyMlp.BackwardCurvature(parameters, image, activations, logitsCurvature, curvature, new float[TinyMlp.Description.WorkspaceSize], 1);
        Assert.All(curvature, c => Assert.True(c >= 0 && float.IsFinite(c)));
        Assert.True(curvature.Take(TinyMlp.Description.ParameterTensors[2].Offset).Sum() > 0, "the hidden layer received no curvature");

        double Loss(float[] p)
        {
            var z = new float[TinyMlp.ClassCount];
            TinyMlp.Infer(p, image, z, new float[TinyMlp.Description.WorkspaceSize], 1);
            return CrossEntropy(z);
        }
        const float step = 1f / 16;
        for (int index = TinyMlp.Description.ParameterTensors[2].Offset; index < TinyMlp.ParameterCount; index++)
        {
            float saved = parameters[index];
            double centre = Loss(parameters);
            parameters[index] = saved + step;
            double plus = Loss(parameters);
            parameters[index] = saved - step;
            double minus = Loss(parameters);
            parameters[index] = saved;
            double expected = (plus - 2 * centre + minus) / ((double)step * step);
            Assert.True(Math.Abs(expected - curvature[index]) <= 5e-4 + 1e-2 * expected, $"parameter {index}: second difference {expected}, BackwardCurvature {curvature[index]}");
        }
    }

    /// <summary>Softmax cross-entropy of one row in double (the label does not change the second derivative).</summary>
    private static double CrossEntropy(float[] z) => Math.Log(z.Sum(v => Math.Exp(v))) - z[0];
}
